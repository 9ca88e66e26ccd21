package bucket

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/azureblob"
	"gocloud.dev/blob/gcsblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcp"
)

// A location is an object-storage URL taken apart: the bucket to open,
// the dataset's root inside it, and the name shown in messages.
type location struct {
	scheme string // s3, gs or azblob
	bucket string
	prefix string // "" or ends with "/"
	query  url.Values
}

// parseLocation reads s3://bucket/prefix?params, gs://..., azblob://...
// (az:// is an alias). Credentials are never part of it: a URL that
// carries any (user:password@) is refused rather than used.
func parseLocation(raw string) (location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL; say what is wrong without it.
		return location{}, errors.New("not a valid object-storage URL (want s3://bucket/prefix, gs://bucket/prefix or azblob://container/prefix)")
	}
	scheme := u.Scheme
	if scheme == "az" {
		scheme = "azblob"
	}
	switch scheme {
	case "s3", "gs", "azblob":
	default:
		return location{}, fmt.Errorf("%s://: unsupported storage (want s3://, gs://, azblob:// or a local path)", u.Scheme)
	}
	if u.User != nil {
		return location{}, fmt.Errorf("%s://%s: credentials do not belong in the URL; they come from the environment", scheme, u.Host)
	}
	if u.Host == "" {
		return location{}, fmt.Errorf("%s: no bucket name", raw)
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		for _, part := range strings.Split(prefix, "/") {
			if part == "" || part == "." || part == ".." {
				return location{}, fmt.Errorf("%s://%s/%s: bad path element %q", scheme, u.Host, prefix, part)
			}
		}
		prefix += "/"
	}
	return location{scheme: scheme, bucket: u.Host, prefix: prefix, query: u.Query()}, nil
}

// String is the location without its parameters: an endpoint or a
// region is not secret, but a message has no use for it either.
func (l location) String() string {
	return l.scheme + "://" + l.bucket + "/" + strings.TrimSuffix(l.prefix, "/")
}

// open opens the bucket with the cloud's standard credential chain. Each
// call builds its own opener from the environment of the moment, rather
// than gocloud's process-wide default openers, which read it once.
func (l location) open(ctx context.Context, getenv func(string) string) (*blob.Bucket, error) {
	q := url.Values{}
	for k, v := range l.query {
		q[k] = v
	}
	u := &url.URL{Scheme: l.scheme, Host: l.bucket}
	switch l.scheme {
	case "s3":
		s3Params(q, getenv)
		u.RawQuery = q.Encode()
		return (&s3blob.URLOpener{}).OpenBucketURL(ctx, u)
	case "gs":
		u.RawQuery = q.Encode()
		return openGCS(ctx, u, getenv)
	case "azblob":
		u.RawQuery = q.Encode()
		return (&azureblob.URLOpener{
			MakeClient:        azureblob.NewDefaultClient,
			ServiceURLOptions: *azureblob.NewDefaultServiceURLOptions(),
		}).OpenBucketURL(ctx, u)
	}
	return nil, fmt.Errorf("%s: unsupported storage", l)
}

// s3Params completes an s3:// URL's parameters. An S3-compatible store
// (MinIO, Ceph, R2, versitygw...) is named by ?endpoint= or by the AWS
// SDK's own AWS_ENDPOINT_URL(_S3); such stores are addressed path-style
// (http://host/bucket/key), since their buckets are rarely DNS names.
// They also check request checksums only when S3 requires them, which
// keeps stores that predate S3's newer checksum headers working.
func s3Params(q url.Values, getenv func(string) string) {
	endpoint := q.Get("endpoint")
	if endpoint == "" {
		endpoint = getenv("AWS_ENDPOINT_URL_S3")
	}
	if endpoint == "" {
		endpoint = getenv("AWS_ENDPOINT_URL")
	}
	if endpoint == "" {
		return
	}
	if q.Get("use_path_style") == "" && q.Get("s3ForcePathStyle") == "" {
		q.Set("use_path_style", "true")
	}
	if q.Get("request_checksum_calculation") == "" {
		q.Set("request_checksum_calculation", "when_required")
	}
	if q.Get("response_checksum_validation") == "" {
		q.Set("response_checksum_validation", "when_required")
	}
	if q.Get("region") == "" && getenv("AWS_REGION") == "" && getenv("AWS_DEFAULT_REGION") == "" {
		// S3-compatible stores mostly ignore the region, but the SDK
		// will not sign a request without one.
		q.Set("region", "us-east-1")
	}
}

// openGCS opens a gs:// bucket with Application Default Credentials
// (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default login,
// or the instance's service account), or none for an emulator
// (STORAGE_EMULATOR_HOST). gocloud's default opener would print a
// warning to stdout and go on without credentials; a run should stop.
func openGCS(ctx context.Context, u *url.URL, getenv func(string) string) (*blob.Bucket, error) {
	if getenv("STORAGE_EMULATOR_HOST") != "" {
		client := gcp.NewAnonymousHTTPClient(gcp.DefaultTransport())
		return (&gcsblob.URLOpener{Client: client}).OpenBucketURL(ctx, u)
	}
	creds, err := gcp.DefaultCredentials(ctx)
	if err != nil {
		return nil, fmt.Errorf("gs://%s: no Google Cloud credentials: set GOOGLE_APPLICATION_CREDENTIALS, run `gcloud auth application-default login`, or run on a machine with a service account", u.Host)
	}
	client, err := gcp.NewHTTPClient(gcp.DefaultTransport(), gcp.CredentialsTokenSource(creds))
	if err != nil {
		return nil, err
	}
	return (&gcsblob.URLOpener{Client: client}).OpenBucketURL(ctx, u)
}

// osGetenv is the process environment, which the cloud SDKs read too.
func osGetenv(k string) string { return os.Getenv(k) }
