// Package export is the hub of retell-export: the domain only. It owns a
// Retell call and its parts (transcripts, costs, latency, analysis), the
// enums Retell keeps growing, the rule for when a record is settled, the
// decoding that drops secrets and keeps the rest byte for byte, the id
// rule, the failure kinds of failed.csv, the Hive partition of a call and
// the Writer interface every output implements.
//
// Everything else is a package of its own under export/, named for what
// it is (retell, pacing, callids, replay, archive, dataset, pipeline,
// progress, store), or an adapter beside it (formats, analyze). The hub
// imports none of them; see docs/architecture.md for the rules and
// architecture_test.go for the test that holds them.
package export
