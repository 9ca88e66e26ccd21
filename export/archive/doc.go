// Package archive is the dataset's log: the raw get-call bodies a run
// fetched, in gzip segments under raw/, and a persistent index of them.
//
// A segment is written once and never changed. Each record is a gzip
// member of its own, so a record can be read without decompressing the
// records before it, and `zcat raw/*.jsonl.gz` still reads them all. A
// call archived twice (fetched again once its analysis arrived) has two
// records; the later one, by segment name and offset, is the call's
// latest version.
//
// The index (raw/index/) maps every call id to its latest record: where
// it is, its start date and whether it is settled. It is split two ways
// so that a run reads only what its work needs: by a hash of the id
// (ids/XX.tsv, to look calls up) and by start date (dates/DATE.tsv, to
// rebuild a date partition). manifest.json lists the segments indexed.
// Index files are replaced whole, date files first, then id shards, then
// the manifest; applying a segment twice gives the same index, so a crash
// anywhere is repaired by indexing again the segments the manifest does
// not list. The index is rebuilt from the segments when it is missing,
// when the manifest names a segment that is gone or changed size, or when
// it was written by another version.
package archive
