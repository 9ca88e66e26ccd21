package store

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkSmallFiles is the cost of one caption-sized file: WriteAtomic
// (create a temporary file, write, close, rename) against a plain create
// and write, which is not atomic and is here only as the floor the file
// system sets.
func BenchmarkSmallFiles(b *testing.B) {
	data := make([]byte, 6000) // a 20-turn call's caption file
	for _, bc := range []struct {
		name  string
		write func(path string) error
	}{
		{"WriteAtomic", func(p string) error { return WriteAtomic(p, data) }},
		{"create+write", func(p string) error { return os.WriteFile(p, data, 0o644) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dir := b.TempDir()
			b.SetBytes(int64(len(data)))
			for i := 0; b.Loop(); i++ {
				if err := bc.write(filepath.Join(dir, "call_"+strconv.Itoa(i)+".srt")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
