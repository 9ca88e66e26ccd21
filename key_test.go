package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseKeyFile(t *testing.T) {
	const k = "key_5ecret0123456789abcdef0a1b"
	for _, tc := range []struct {
		name, file string
		err        string // "" = the key is read
	}{
		{"plain", k + "\n", ""},
		{"no newline", k, ""},
		{"CRLF", k + "\r\n", ""},
		{"BOM", "\ufeff" + k + "\r\n", ""},
		{"assignment", "RETELL_API_KEY=" + k + "\n", ""},
		{"export", "export RETELL_API_KEY=" + k + "\n", ""},
		{"double quotes", `export RETELL_API_KEY="` + k + `"` + "\n", ""},
		{"single quotes, spaces", "RETELL_API_KEY = '" + k + "'  # prod\n", ""},
		{"quoted alone", `"` + k + `"`, ""},
		{".env file", "\ufeff# retell\nRETELL_BASE_URL=https://api.retellai.com\r\nRETELL_API_KEY=" + k + " # rotated in May\r\nOTHER=x\r\n", ""},
		{"comments around", "# the production key\n\n" + k + "\n\n", ""},
		{"empty", "\n \n", "empty"},
		{"comments only", "# nothing\n", "want one key on one line"},
		{"two keys", k + "\n" + k + "x\n", "found 2 lines"},
		{"set twice", "RETELL_API_KEY=" + k + "\nRETELL_API_KEY=" + k + "\n", "set 2 times"},
		{"empty assignment", "RETELL_API_KEY=\n", "line 1: RETELL_API_KEY= has no value"},
		{"other variables only", "OPENAI_API_KEY=" + k + "\nFOO=bar\n", "no RETELL_API_KEY= line among its 2"},
		{"unclosed quote", `RETELL_API_KEY="` + k + "\n", `the opening " has no closing one`},
		{"text after quote", `RETELL_API_KEY="` + k + `"x` + "\n", "text follows"},
		{"space inside", "key_5ecret01234 56789abcdef\n", "space at position 16"},
		{"smart quotes", "RETELL_API_KEY=\u201c" + k + "\u201d\n", "non-ASCII character U+201C at position 1"},
		{"control character", k[:10] + "\x08" + k[10:] + "\n", "control character at position 11"},
		{"UTF-16", "\xff\xfek\x00e\x00y\x00", "UTF-16"},
		{"latin-1 byte", k[:5] + "\xe9" + k[5:], "not UTF-8 at position 6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKeyFile([]byte(tc.file))
			if tc.err == "" {
				if err != nil || got != k {
					t.Fatalf("got %q, %v; want the key", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.err)
			}
			for i := 0; i+8 <= len(k); i++ {
				if strings.Contains(err.Error(), k[i:i+8]) {
					t.Fatalf("error %q shows part of the key", err)
				}
			}
		})
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "retell.env")
	os.WriteFile(f, []byte("\ufeffexport RETELL_API_KEY='key_from_file'\r\n"), 0o600)
	env := func(v string) func(string) string { return func(string) string { return v } }
	if key, src, err := loadKey(f, env("key_from_env")); err != nil || key != "key_from_file" || !strings.Contains(src, f) {
		t.Errorf("file: %q %q %v", key, src, err)
	}
	if key, src, err := loadKey("", env(" key_from_env\n")); err != nil || key != "key_from_env" || src != "RETELL_API_KEY" {
		t.Errorf("env: %q %q %v", key, src, err)
	}
	if _, _, err := loadKey("", env(`"key_quoted_in_a_unit_file"`)); err == nil || !strings.Contains(err.Error(), "RETELL_API_KEY: the key has a quote at position 1") || strings.Contains(err.Error(), "quoted_in") {
		t.Errorf("quoted env value: %v", err)
	}
	os.WriteFile(f, []byte("RETELL_API_KEY=\"key_secret_value\n"), 0o600)
	if _, _, err := loadKey(f, env("")); err == nil || !strings.Contains(err.Error(), "--api-key-file "+f+": line 1") || strings.Contains(err.Error(), "secret_value") {
		t.Errorf("bad file: %v", err)
	}
}

// Whatever surrounds a key in a file, an error never shows it.
func FuzzParseKeyFileNeverShowsKey(f *testing.F) {
	const secret = "key_SeCrEt7f3a9c0d1e2b"
	for _, seed := range [][2]string{
		{"", "\n"}, {"RETELL_API_KEY=", "\n"}, {"RETELL_API_KEY=\"", "\n"}, {"export RETELL_API_KEY='", "'x\n"},
		{"\ufeff", " extra words\n"}, {"", "\nkey_other\n"}, {"\u201c", "\u201d"}, {"OTHER=", "\n"},
		{"RETELL_API_KEY=a\nRETELL_API_KEY=", ""}, {"key ", "\x01"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, before, after string) {
		if strings.Contains(before+after, "SeCrEt") {
			t.Skip()
		}
		key, err := ParseKeyFile([]byte(before + secret + after))
		if err != nil && strings.Contains(err.Error(), "SeCrEt") {
			t.Fatalf("error shows the key: %v", err)
		}
		if err == nil && strings.Contains(key, "SeCrEt") && !strings.Contains(key, secret) {
			t.Fatalf("key %q is a mangled part of the secret", key)
		}
	})
}
