package bucket

import (
	"errors"
	"strconv"
	"time"

	"cloud.google.com/go/storage"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	azblobblob "github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
)

// versioning is what gocloud leaves to each provider: naming the version
// of an object that was read, and making a write or a delete conditional
// on that version still being current. gocloud.dev/blob portably offers
// only create-if-absent (WriterOptions.IfNotExist); the rest goes through
// its As escape hatches into each SDK's request.
//
//	S3:    ETag, If-Match on PutObject/CompleteMultipartUpload and DeleteObject
//	GCS:   generation, ifGenerationMatch on the upload and the delete
//	Azure: ETag, If-Match access condition on the upload and the delete
type versioning interface {
	// version names the version of the object r reads; "" if unknown.
	version(r *blob.Reader) string
	// writeIf and deleteIf are BeforeWrite and BeforeDelete hooks that
	// make the operation fail with a precondition error unless the
	// object's current version is v.
	writeIf(v string) func(as func(any) bool) error
	deleteIf(v string) func(as func(any) bool) error
	// upload is a BeforeWrite hook tuning every upload; nil if none.
	upload(b *blob.Bucket) func(as func(any) bool) error
}

func versioningFor(scheme string) versioning {
	switch scheme {
	case "s3":
		return s3Versions{}
	case "gs":
		return gcsVersions{}
	case "azblob":
		return azureVersions{}
	}
	return nil
}

var errNoHook = errors.New("the storage driver did not expose its request for a precondition")

// chain runs BeforeWrite hooks in turn.
func chain(hooks ...func(func(any) bool) error) func(func(any) bool) error {
	return func(as func(any) bool) error {
		for _, h := range hooks {
			if h != nil {
				if err := h(as); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

type s3Versions struct{}

func (s3Versions) version(r *blob.Reader) string {
	var out s3.GetObjectOutput
	if !r.As(&out) {
		return ""
	}
	return aws.ToString(out.ETag)
}

// upload replaces gocloud's S3 transfer manager with one configured in
// full, for two settings gocloud does not pass on: the multipart
// threshold (16 MiB by default, all of it buffered before the first
// request; here one part), and FailTimeout, without which the abort of a
// multipart upload whose context was cancelled runs on that cancelled
// context, fails, and leaves the upload's parts stored (and billed)
// until a lifecycle rule removes them.
func (s3Versions) upload(b *blob.Bucket) func(func(any) bool) error {
	var client *s3.Client
	if !b.As(&client) {
		return nil
	}
	return func(as func(any) bool) error {
		var tm *transfermanager.Client
		if !as(&tm) {
			return errNoHook
		}
		*tm = *transfermanager.New(client, func(o *transfermanager.Options) {
			o.RequestChecksumCalculation = client.Options().RequestChecksumCalculation
			o.PartSizeBytes = PartSize
			o.MultipartUploadThreshold = PartSize
			o.Concurrency = PartConcurrency
			o.FailTimeout = time.Minute
		})
		return nil
	}
}

func (s3Versions) writeIf(v string) func(func(any) bool) error {
	return func(as func(any) bool) error {
		var in *transfermanager.UploadObjectInput
		if !as(&in) {
			return errNoHook
		}
		in.IfMatch = aws.String(v)
		return nil
	}
}

func (s3Versions) deleteIf(v string) func(func(any) bool) error {
	return func(as func(any) bool) error {
		var in *s3.DeleteObjectInput
		if !as(&in) {
			return errNoHook
		}
		in.IfMatch = aws.String(v)
		return nil
	}
}

type gcsVersions struct{}

func (gcsVersions) version(r *blob.Reader) string {
	var sr *storage.Reader
	if !r.As(&sr) || sr == nil {
		return ""
	}
	return strconv.FormatInt(sr.Attrs.Generation, 10)
}

func gcsIf(v string) func(func(any) bool) error {
	return func(as func(any) bool) error {
		g, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return err
		}
		var oh **storage.ObjectHandle
		if !as(&oh) {
			return errNoHook
		}
		*oh = (*oh).If(storage.Conditions{GenerationMatch: g})
		return nil
	}
}

func (gcsVersions) upload(*blob.Bucket) func(func(any) bool) error   { return nil }
func (azureVersions) upload(*blob.Bucket) func(func(any) bool) error { return nil }

func (gcsVersions) writeIf(v string) func(func(any) bool) error  { return gcsIf(v) }
func (gcsVersions) deleteIf(v string) func(func(any) bool) error { return gcsIf(v) }

type azureVersions struct{}

func (azureVersions) version(r *blob.Reader) string {
	var resp azblobblob.DownloadStreamResponse
	if !r.As(&resp) || resp.ETag == nil {
		return ""
	}
	return string(*resp.ETag)
}

func azureIfMatch(v string) *azblobblob.AccessConditions {
	etag := azcore.ETag(v)
	return &azblobblob.AccessConditions{ModifiedAccessConditions: &azblobblob.ModifiedAccessConditions{IfMatch: &etag}}
}

func (azureVersions) writeIf(v string) func(func(any) bool) error {
	return func(as func(any) bool) error {
		var o *azblob.UploadStreamOptions
		if !as(&o) {
			return errNoHook
		}
		o.AccessConditions = azureIfMatch(v)
		return nil
	}
}

func (azureVersions) deleteIf(v string) func(func(any) bool) error {
	return func(as func(any) bool) error {
		var o *azblobblob.DeleteOptions
		if !as(&o) {
			return errNoHook
		}
		o.AccessConditions = azureIfMatch(v)
		return nil
	}
}
