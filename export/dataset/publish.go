package dataset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store"
)

// publishName is the journal of a publish in progress, at the root of the
// dataset (apart from the index, which a rebuild of the index removes).
const publishName = ".publish.json"

// manifestName is each table's list of its current files, written last:
// a reader (or a sync) that finds every file it lists has a complete
// publish. Hive-style readers (Spark, Athena, DuckDB's globs of *.parquet)
// skip files whose names start with an underscore.
const manifestName = "_manifest.json"

// publishPlan is the journal of a publish: written before the first new
// file appears, removed after the last old file went and the manifests
// were written. A run that finds one finishes it (every new file is
// there: remove the old ones) or undoes it (remove the new files; the old
// ones are all still there).
type publishPlan struct {
	Run  string   `json:"run"`
	View string   `json:"view"`
	New  []string `json:"new"`
	Old  []string `json:"old"`
}

// Manifest lists a table's files: what a complete publish left.
type Manifest struct {
	Table string         `json:"table"`
	Files []ManifestFile `json:"files"`
}

// ManifestFile is one file of a table, by path below the table's
// directory; content-named files carry their content hash in the name.
type ManifestFile struct {
	Path  string `json:"path"`
	Bytes int64  `json:"bytes"`
}

// staged is a file to publish: its name in the store and its local path.
type staged struct{ name, local string }

// publish moves the staged files of a view into the store and removes the
// files they replace: every file of the rebuilt partitions (every file of
// the view on a full rebuild, which also removes an old layout's files).
// A content-named file that is already published as it is stays as it is.
func (ds *Dataset) publish(ctx context.Context, v *View, staging string, dates []string, res *ViewResult) error {
	files, err := stagedFiles(staging)
	if err != nil {
		return fmt.Errorf("publish %s: %w", v.Name, err)
	}
	existing, err := ds.Store.List(ctx, v.Name+"/")
	if err != nil {
		return fmt.Errorf("publish %s: %w", v.Name, err)
	}
	have := map[string]int64{}
	for _, e := range existing {
		have[e.Name] = e.Size
	}
	plan := publishPlan{Run: ds.Run, View: v.Name}
	keep := map[string]bool{}
	var upload []staged
	for _, f := range files {
		keep[f.name] = true
		if size, ok := have[f.name]; ok && sameSize(f.local, size) {
			res.Unchanged++
			continue
		}
		plan.New = append(plan.New, f.name)
		upload = append(upload, f)
	}
	replaced := map[string]bool{}
	for _, d := range dates {
		replaced[export.PartitionDir(d)] = true
	}
	for _, e := range existing {
		if keep[e.Name] || store.IsTemp(e.Name) || path.Base(e.Name) == manifestName {
			continue
		}
		// <view>/<table>/<partition>/<file>
		parts := strings.Split(e.Name, "/")
		if res.Full || (len(parts) == 4 && replaced[parts[2]]) {
			plan.Old = append(plan.Old, e.Name)
		}
	}
	if len(plan.New) == 0 && len(plan.Old) == 0 {
		return ds.writeManifests(ctx, v.Name) // nothing changed, but a killed run may have left them stale
	}
	b, err := json.Marshal(plan)
	if err != nil {
		return fmt.Errorf("publish %s: %w", v.Name, err)
	}
	if err := store.WriteAll(ctx, ds.Store, publishName, b); err != nil {
		return fmt.Errorf("publish %s: %w", v.Name, err)
	}
	for _, f := range upload {
		if err := store.PutFile(ctx, ds.Store, f.name, f.local); err != nil {
			return fmt.Errorf("publish %s: %w", f.name, err)
		}
	}
	if err := ds.finishPublish(ctx, plan); err != nil {
		return err
	}
	res.Files, res.Removed = len(plan.New), len(plan.Old)
	return nil
}

// stagedFiles lists the files under staging with the names they get in
// the store (after their content), in name order.
func stagedFiles(staging string) ([]staged, error) {
	var out []staged
	err := filepath.WalkDir(staging, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(staging, p)
		if err != nil {
			return err
		}
		sum, err := fileSum(p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		out = append(out, staged{name: path.Join(path.Dir(name), "part-"+sum+path.Ext(name)), local: p})
		return nil
	})
	slices.SortFunc(out, func(a, b staged) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(out); i++ {
		if out[i].name == out[i-1].name { // two staged files with the same content in one directory
			return nil, fmt.Errorf("%s and %s have the same content", out[i-1].local, out[i].local)
		}
	}
	return out, err
}

// fileSum is the first 16 hex digits of a file's SHA-256.
func fileSum(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// sameSize reports whether a local file has the given size: a published
// content-named file of that name and size is the same file (its name is
// its content's hash).
func sameSize(local string, size int64) bool {
	fi, err := os.Stat(local)
	return err == nil && fi.Size() == size
}

func (ds *Dataset) finishPublish(ctx context.Context, plan publishPlan) error {
	for _, name := range plan.Old {
		if err := ds.Store.Remove(ctx, name); err != nil {
			return fmt.Errorf("publish: remove %s: %w", name, err)
		}
	}
	if plan.View != "" {
		if err := ds.writeManifests(ctx, plan.View); err != nil {
			return err
		}
	}
	if err := ds.Store.Remove(ctx, publishName); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// writeManifests writes each table's manifest from what the store holds,
// leaving a manifest that is already right untouched (a re-run that
// changed nothing changes no file, the manifests included).
func (ds *Dataset) writeManifests(ctx context.Context, view string) error {
	es, err := ds.Store.List(ctx, view+"/")
	if err != nil {
		return fmt.Errorf("publish %s: %w", view, err)
	}
	tables := map[string]*Manifest{}
	var names, manifests []string
	for _, e := range es {
		rest := strings.TrimPrefix(e.Name, view+"/")
		table, file, ok := strings.Cut(rest, "/")
		if file == manifestName {
			manifests = append(manifests, table)
		}
		if !ok || store.IsTemp(e.Name) || file == manifestName {
			continue
		}
		m := tables[table]
		if m == nil {
			m = &Manifest{Table: table, Files: []ManifestFile{}}
			tables[table] = m
			names = append(names, table)
		}
		m.Files = append(m.Files, ManifestFile{Path: file, Bytes: e.Size}) // List is in name order
	}
	for _, table := range manifests {
		if tables[table] == nil { // the table is gone (--words turned off): so is what listed it
			if err := ds.Store.Remove(ctx, path.Join(view, table, manifestName)); err != nil {
				return fmt.Errorf("publish %s: %w", view, err)
			}
		}
	}
	for _, table := range names {
		b, err := json.MarshalIndent(tables[table], "", "  ")
		if err != nil {
			return err
		}
		b = append(b, '\n')
		name := path.Join(view, table, manifestName)
		if old, err := store.ReadAll(ctx, ds.Store, name); err == nil && bytes.Equal(old, b) {
			continue
		}
		if err := store.WriteAll(ctx, ds.Store, name, b); err != nil {
			return fmt.Errorf("publish %s: %w", name, err)
		}
	}
	return nil
}

// recoverPublish finishes or undoes a publish a killed run left. Its
// dates stay dirty either way (the index's manifest was not updated), so
// the next view rebuild redoes them.
func (ds *Dataset) recoverPublish(ctx context.Context) error {
	b, err := store.ReadAll(ctx, ds.Store, publishName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var plan publishPlan
	if err == nil {
		err = json.Unmarshal(b, &plan)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", publishName, err)
	}
	have := map[string]bool{}
	for _, name := range plan.New {
		r, err := ds.Store.OpenRange(ctx, name, 0, 0)
		switch {
		case err == nil:
			r.Close()
			have[name] = true
		case !errors.Is(err, fs.ErrNotExist):
			// Not knowing is not missing: undoing on a passing fault would
			// remove new files whose old ones may be gone already.
			return fmt.Errorf("finish the publish of run %s: %w", plan.Run, err)
		}
	}
	if len(have) == len(plan.New) {
		ds.warn(fmt.Sprintf("finishing the Parquet publish of run %s, which did not finish", plan.Run))
		return ds.finishPublish(ctx, plan)
	}
	ds.warn(fmt.Sprintf("undoing the Parquet publish of run %s, which did not finish", plan.Run))
	for name := range have {
		if err := ds.Store.Remove(ctx, name); err != nil {
			return fmt.Errorf("undo publish: %w", err)
		}
	}
	if plan.View != "" {
		if err := ds.writeManifests(ctx, plan.View); err != nil {
			return err
		}
	}
	return ds.Store.Remove(ctx, publishName)
}

// WriteFiles makes the small files below dir (the loader kit) exactly
// files: each written unless it already holds its data, and the others
// below dir removed (a table that is gone takes its schema with it). A
// run that changes nothing changes no file.
func (ds *Dataset) WriteFiles(ctx context.Context, dir string, files map[string][]byte) error {
	es, err := ds.Store.List(ctx, dir+"/")
	if err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	for _, e := range es {
		if _, keep := files[e.Name]; !keep && !store.IsTemp(e.Name) {
			if err := ds.Store.Remove(ctx, e.Name); err != nil {
				return fmt.Errorf("write %s: %w", dir, err)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if old, err := store.ReadAll(ctx, ds.Store, name); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := store.WriteAll(ctx, ds.Store, name, files[name]); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}
