package main

import (
	"runtime/debug"
	"strings"
)

// version may be set at build time with -ldflags "-X main.version=v1.2.3";
// left empty, the version comes from the build information.
var version string

// buildVersion returns the version to report: the -ldflags one when set,
// else the module version the go command stamped (go install
// ...@v1.2.3 gives v1.2.3; a build in a git checkout gives a
// pseudo-version), else "(devel)" with the VCS revision when known.
func buildVersion(ldflags string, info *debug.BuildInfo, ok bool) string {
	if ldflags != "" {
		return ldflags
	}
	if !ok {
		return "(devel)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	v := "(devel)"
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" {
		v += " " + rev[:min(12, len(rev))]
		if dirty {
			v += "+dirty"
		}
	}
	return v
}

// userAgentVersion makes a version fit a User-Agent product token.
func userAgentVersion(v string) string {
	return strings.NewReplacer("(", "", ")", "", " ", "-").Replace(v)
}
