// Package replay reads saved calls for --from: *.json, *.jsonl and their
// gzip forms in a directory or a bucket prefix, an in-memory index of
// each call's latest version, and the shortcut through a dataset's own
// archive index when it covers every file there.
package replay
