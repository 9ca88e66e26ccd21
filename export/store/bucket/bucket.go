package bucket

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/retell-export/retell-export/export/store"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // registers the drivers the openers in url.go use
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"
)

// Bucket is a Store under a prefix of an object-storage bucket (S3 or an
// S3-compatible store, Google Cloud Storage, Azure Blob Storage), through
// gocloud.dev/blob. Objects are uploaded as they are written and appear
// whole when the upload completes at Commit; an aborted upload is
// cancelled before it completes, so nothing of it is ever visible.
type Bucket struct {
	b    *blob.Bucket
	loc  location
	vers versioning
	// The lock's lease; see lock.go. Fields so tests can shorten
	// them and move the clock.
	lease, renew time.Duration
	now          func() time.Time
}

var _ store.Store = (*Bucket)(nil)

// Upload sizes: a part of PartSize bytes is sent while the next fills,
// PartConcurrency at a time, so an object being written holds at most
// about (PartConcurrency+1) parts in memory however large it grows.
// 8 MiB parts keep S3's 10,000-part limit at 80 GB per object.
const (
	PartSize        = 8 << 20
	PartConcurrency = 2
)

// OpenBucket opens an s3://, gs:// or azblob:// (az://) URL. Credentials
// come from the cloud's standard chain only; see docs/object-storage.md.
func OpenBucket(ctx context.Context, rawURL string) (*Bucket, error) {
	loc, err := parseLocation(rawURL)
	if err != nil {
		return nil, err
	}
	b, err := loc.open(ctx, osGetenv)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", loc, redact(err.Error()))
	}
	return &Bucket{
		b: b, loc: loc, vers: versioningFor(loc.scheme),
		lease: DefaultLease, renew: DefaultRenew, now: time.Now,
	}, nil
}

// Open opens the store at location: a local directory (created when
// needed), or an object-storage URL (s3://, gs://, azblob://). It is the
// one place a location a user typed becomes a store.
func Open(ctx context.Context, location string) (store.Store, error) {
	if store.IsURL(location) {
		return OpenBucket(ctx, location)
	}
	return store.OpenDir(strings.TrimPrefix(location, "file://"))
}

func (s *Bucket) Dir() (string, bool) { return "", false }

func (s *Bucket) String() string { return s.loc.String() }

func (s *Bucket) Close() error { return s.b.Close() }

// key is the bucket key of a name, after checking the name is one.
func (s *Bucket) key(name string) (string, error) {
	if name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." {
		return "", fmt.Errorf("%s: bad object name %q", s, name)
	}
	return s.loc.prefix + name, nil
}

// where names an object in messages.
func (s *Bucket) where(name string) string {
	return s.loc.scheme + "://" + s.loc.bucket + "/" + s.loc.prefix + name
}

// Create starts a streaming upload (multipart on S3, resumable on GCS,
// staged blocks on Azure) that completes at Commit.
func (s *Bucket) Create(ctx context.Context, name string) (store.Object, error) {
	return s.create(ctx, name, nil)
}

func (s *Bucket) create(ctx context.Context, name string, opts *blob.WriterOptions) (*bucketObject, error) {
	key, err := s.key(name)
	if err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &blob.WriterOptions{}
	}
	opts.BufferSize, opts.MaxConcurrency = PartSize, PartConcurrency
	// A content type given up front also makes gocloud open the upload
	// at once rather than holding back the first 512 bytes to sniff it.
	opts.ContentType = contentType(name)
	opts.BeforeWrite = chain(s.vers.upload(s.b), opts.BeforeWrite)
	wctx, cancel := context.WithCancel(ctx)
	w, err := s.b.NewWriter(wctx, key, opts)
	if err != nil {
		cancel()
		return nil, storageError("write", s.where(name), err)
	}
	return &bucketObject{w: w, cancel: cancel, where: s.where(name)}, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".parquet":
		return "application/vnd.apache.parquet"
	case ".jsonl", ".ndjson":
		return "application/x-ndjson"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// bucketObject is an upload in progress.
type bucketObject struct {
	w      *blob.Writer
	cancel context.CancelFunc
	where  string
	done   bool
}

func (o *bucketObject) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		err = storageError("write", o.where, err)
	}
	return n, err
}

// Commit completes the upload: only now does the object appear.
func (o *bucketObject) Commit() error {
	if o.done {
		return nil
	}
	o.done = true
	defer o.cancel()
	return storageError("write", o.where, o.w.Close())
}

// Abort cancels the upload's context before closing the writer, so no
// request that would complete it (the single PUT, S3's
// CompleteMultipartUpload, GCS's final chunk, Azure's block list) can
// succeed. S3's uploader then aborts the multipart upload on a fresh
// context; staged Azure blocks and an unfinished GCS session are
// discarded by the service.
func (o *bucketObject) Abort() error {
	if o.done {
		return nil
	}
	o.done = true
	o.cancel()
	o.w.Close() // fails, by design: the context is gone
	return nil
}

func (s *Bucket) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	return s.OpenRange(ctx, name, 0, -1)
}

func (s *Bucket) OpenRange(ctx context.Context, name string, offset, length int64) (io.ReadCloser, error) {
	key, err := s.key(name)
	if err != nil {
		return nil, err
	}
	if length < 0 {
		length = -1
	}
	r, err := s.b.NewRangeReader(ctx, key, offset, length, nil)
	if err != nil {
		return nil, storageError("read", s.where(name), err)
	}
	return &bucketReader{r: r, where: s.where(name)}, nil
}

type bucketReader struct {
	r     *blob.Reader
	where string
}

func (r *bucketReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = storageError("read", r.where, err)
	}
	return n, err
}

func (r *bucketReader) Close() error { return r.r.Close() }

// List lists every object under the prefix, at any depth. Unfinished
// uploads are never listed: they are not objects yet.
func (s *Bucket) List(ctx context.Context, prefix string) ([]store.Entry, error) {
	it := s.b.List(&blob.ListOptions{Prefix: s.loc.prefix + prefix})
	var out []store.Entry
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, storageError("list", s.where(prefix), err)
		}
		if o.IsDir || strings.HasSuffix(o.Key, "/") { // a folder marker some tools create
			continue
		}
		out = append(out, store.Entry{Name: strings.TrimPrefix(o.Key, s.loc.prefix), Size: o.Size, ModTime: o.ModTime})
	}
	// Providers list in key order, but gocloud unescapes keys after
	// listing; sort so the order is the names' own.
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Remove deletes an object; a missing one is not an error.
func (s *Bucket) Remove(ctx context.Context, name string) error {
	key, err := s.key(name)
	if err != nil {
		return err
	}
	err = s.b.Delete(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		if k, _ := classify(err); k == KindNoBucket {
			return storageError("delete", s.where(name), err)
		}
		return nil
	}
	return storageError("delete", s.where(name), err)
}

// isPrecondition reports whether a conditional operation lost.
func isPrecondition(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind == KindPrecondition
	}
	return gcerrors.Code(err) == gcerrors.FailedPrecondition
}
