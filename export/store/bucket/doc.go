// Package bucket is the object-storage side of package store: a
// store.Store under a prefix of an S3 (or S3-compatible), Google Cloud
// Storage or Azure Blob Storage bucket, through gocloud.dev/blob, with a
// lease-based lock, a start-up probe and storage errors classified into
// what a user has to fix.
//
// It is the one package besides main that links the cloud SDKs: the hub,
// the formats and the analytics build without them (docs/architecture.md).
// Open is the one place a location a user typed becomes a store.
package bucket
