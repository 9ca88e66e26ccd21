package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is this module's path: the packages below are named relative to it.
const module = "github.com/retell-export/retell-export"

// layers is docs/architecture.md as data: for every library package, the
// packages of this module it may import (its tests may import more). The
// hub imports no sibling but the leaf libraries ordered and timing; the leaves import
// nothing of the module; adapters import the hub and store, and never
// each other, but for the edges each line explains; pipeline is the one
// package that composes adapters.
func layers() map[string][]string {
	return map[string][]string{
		"export":                         {"export/ordered", "export/timing"},
		"export/ordered":                 {},
		"export/timing":                  {},
		"export/cells":                   {},
		"export/pacing":                  {},
		"export/store":                   {},
		"export/fakeapi":                 {},
		"samples":                        {},
		"export/store/bucket/buckettest": {},
		"export/store/storetest":         {"export/store"},
		"export/store/bucket":            {"export/store"},
		"export/archive":                 {"export", "export/store"},
		"export/callids":                 {"export"},
		"export/retell":                  {"export", "export/pacing"},                  // the client paces every request
		"export/replay":                  {"export", "export/store", "export/archive"}, // reads an archive through its index
		"export/dataset":                 {"export", "export/store", "export/archive"}, // the archive is the dataset's log
		"analyze":                        {"export", "export/store", "export/timing"},
		"formats":                        {"export", "export/store", "export/cells", "analyze"}, // the workbook's Summary sheet
		"export/progress":                {"export", "export/pipeline"},                         // renders the run's Stats and Report
		"export/pipeline": {"export", "export/ordered", "export/cells", "export/store", "export/archive", "export/dataset",
			"export/replay", "export/retell", "export/pacing"},
	}
}

// commands wire everything together and may import any package.
func commands() []string {
	return []string{"", "export/archive/archivegen", "export/pacing/pacebench", "export/fakeapi/fakeretell", "samples/gen"}
}

// cloudLinkers are the only packages whose dependencies may include a
// cloud SDK: main, the bucket adapter and its test servers.
func cloudLinkers() []string {
	return []string{"", "export/store/bucket", "export/store/bucket/buckettest"}
}

// isCloudSDK reports whether an import path belongs to a cloud SDK.
func isCloudSDK(p string) bool {
	for _, prefix := range []string{"github.com/aws/", "github.com/Azure/", "cloud.google.com/", "google.golang.org/api/",
		"gocloud.dev/blob/s3blob", "gocloud.dev/blob/gcsblob", "gocloud.dev/blob/azureblob", "gocloud.dev/aws", "gocloud.dev/gcp", "gocloud.dev/azure"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// goList runs go list with a template over every package of the module.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func rel(p string) (string, bool) {
	if p == module {
		return "", true
	}
	r, ok := strings.CutPrefix(p, module+"/")
	return r, ok
}

// TestArchitecture holds the packages to the layering of
// docs/architecture.md, from what go list says they import.
func TestArchitecture(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	allowed := layers()
	for _, line := range goList(t, "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...") {
		fields := strings.Fields(line)
		pkg, _ := rel(fields[0])
		if slices.Contains(commands(), pkg) {
			continue
		}
		may, known := allowed[pkg]
		if !known {
			t.Errorf("package %q is not in the layering: add it to docs/architecture.md and to layers()", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if dep, ours := rel(imp); ours && !slices.Contains(may, dep) {
				t.Errorf("%s imports %s, which docs/architecture.md does not allow (it may import %v)", show(pkg), show(dep), may)
			}
		}
	}
	for _, line := range goList(t, "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "./...") {
		fields := strings.Fields(line)
		pkg, _ := rel(fields[0])
		if slices.Contains(cloudLinkers(), pkg) {
			continue
		}
		for _, dep := range fields[1:] {
			if isCloudSDK(dep) {
				t.Errorf("%s links the cloud SDK package %s: only main and export/store/bucket may", show(pkg), dep)
				break
			}
		}
	}
}

func show(pkg string) string {
	if pkg == "" {
		return "main"
	}
	return pkg
}
