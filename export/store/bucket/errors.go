package bucket

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"gocloud.dev/gcerrors"
	"google.golang.org/api/googleapi"
)

// An Error is a failed object-storage operation, told in words a user can
// act on. Its text is built from the operation, the object's URL and the
// provider's error code only: never from the provider's raw message,
// which can echo request URLs (with a SAS token) or signing details.
// The provider's error stays reachable through Unwrap for errors.As.
type Error struct {
	Where  string // the object's or the store's URL
	Op     string // write, read, list, delete, lock
	Kind   Kind
	Detail string // the provider's own code, such as NoSuchBucket
	err    error
}

// Kind sorts storage errors by what the user has to do about them.
type Kind int

const (
	KindOther        Kind = iota
	KindNotFound          // the object (or, for a write, the bucket) is missing
	KindNoBucket          // the bucket or container does not exist
	KindDenied            // the credentials are valid but may not do this
	KindCredentials       // no credentials, or rejected ones (unknown, expired, bad signature)
	KindRegion            // the bucket is in another region
	KindPrecondition      // a conditional write or delete lost (someone else changed the object)
	KindUnreachable       // the endpoint could not be reached
)

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Where, e.Op, e.reason())
}

func (e *Error) Unwrap() error { return e.err }

// Is makes a missing object an fs.ErrNotExist, as for a local store.
func (e *Error) Is(target error) bool {
	return target == fs.ErrNotExist && e.Kind == KindNotFound
}

func (e *Error) reason() string {
	var s string
	switch e.Kind {
	case KindNotFound:
		s = "not found"
	case KindNoBucket:
		s = "the bucket does not exist"
	case KindDenied:
		s = "access denied: the credentials may not do this here"
	case KindCredentials:
		s = "the credentials are missing, unknown or expired"
	case KindRegion:
		s = "the bucket is in another region: set it with ?region= or AWS_REGION"
	case KindPrecondition:
		s = "changed by someone else meanwhile"
	case KindUnreachable:
		s = "the storage endpoint cannot be reached"
	default:
		s = providerText(e.err)
	}
	if e.Detail != "" && e.Kind != KindOther {
		s += " (" + e.Detail + ")"
	}
	return s
}

// providerText is an unclassified error in short: the provider's code
// and message where it gave them, otherwise the error's text, redacted.
func providerText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return redact(ae.ErrorCode() + ": " + ae.ErrorMessage())
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return redact(fmt.Sprintf("%s (HTTP %d)", re.ErrorCode, re.StatusCode))
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return redact(fmt.Sprintf("%s (HTTP %d)", ge.Message, ge.Code))
	}
	return redact(err.Error())
}

// storageError classifies err from operation op on where. Context
// cancellation passes through unchanged, so callers still see it.
func storageError(op, where string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	kind, detail := classify(err)
	if kind == KindNotFound && op == "write" {
		kind = KindNoBucket // a write needs no object, only its bucket
	}
	return &Error{Where: where, Op: op, Kind: kind, Detail: detail, err: err}
}

// classify reads the provider's own error code, which says more than
// gocloud's portable one: Google answers 403 for a denied request and
// gocloud calls it NotFound; S3 tells an unknown key from a bad
// signature, an expired token or a wrong region.
func classify(err error) (Kind, string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch code {
		case "NoSuchBucket":
			return KindNoBucket, code
		case "NoSuchKey", "NotFound":
			return KindNotFound, code
		case "AccessDenied", "Forbidden", "AllAccessDisabled":
			return KindDenied, code
		case "InvalidAccessKeyId", "XAdminUserNotFound", "SignatureDoesNotMatch", "ExpiredToken", "TokenRefreshRequired",
			"InvalidToken", "RequestExpired", "InvalidClientTokenId", "Unauthorized":
			return KindCredentials, code
		case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "Moved":
			return KindRegion, code
		case "PreconditionFailed", "ConditionalRequestConflict":
			return KindPrecondition, code
		}
	}
	var he *awshttp.ResponseError
	if errors.As(err, &he) && errors.As(err, &ae) {
		switch he.HTTPStatusCode() {
		case http.StatusUnauthorized:
			return KindCredentials, ae.ErrorCode()
		case http.StatusForbidden:
			return KindDenied, ae.ErrorCode()
		}
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		code := re.ErrorCode
		switch {
		case code == "ContainerNotFound":
			return KindNoBucket, code
		case code == "BlobNotFound":
			return KindNotFound, code
		case code == "AuthenticationFailed" || code == "InvalidAuthenticationInfo" || re.StatusCode == http.StatusUnauthorized:
			return KindCredentials, code
		case strings.HasPrefix(code, "AuthorizationPermission") || code == "AuthorizationFailure" || re.StatusCode == http.StatusForbidden:
			return KindDenied, code
		case code == "ConditionNotMet" || code == "BlobAlreadyExists" || re.StatusCode == http.StatusPreconditionFailed:
			return KindPrecondition, code
		}
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		detail := fmt.Sprint(ge.Code)
		if len(ge.Errors) > 0 && ge.Errors[0].Reason != "" {
			detail = ge.Errors[0].Reason
		}
		switch ge.Code {
		case http.StatusUnauthorized:
			return KindCredentials, detail
		case http.StatusForbidden:
			return KindDenied, detail
		case http.StatusPreconditionFailed:
			return KindPrecondition, detail
		case http.StatusNotFound:
			if strings.Contains(strings.ToLower(ge.Message), "bucket") {
				return KindNoBucket, detail
			}
			return KindNotFound, detail
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "bucket doesn't exist"), strings.Contains(msg, "storage: bucket doesn't exist"):
		return KindNoBucket, ""
	case strings.Contains(msg, "retrieve credentials"), strings.Contains(msg, "refresh cached credentials"),
		strings.Contains(msg, "failed to acquire a token"), strings.Contains(msg, "DefaultAzureCredential"),
		strings.Contains(msg, "oauth2: "):
		return KindCredentials, "no usable credentials found"
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"),
		strings.Contains(msg, "i/o timeout"), strings.Contains(msg, "network is unreachable"):
		return KindUnreachable, ""
	}
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		return KindNotFound, ""
	case gcerrors.PermissionDenied:
		return KindDenied, ""
	case gcerrors.FailedPrecondition:
		return KindPrecondition, ""
	}
	return KindOther, ""
}

// redact takes what may be secret out of a provider's message: the query
// of every URL in it (a SAS token travels there) and the values of the
// environment variables that hold keys.
func redact(msg string) string {
	msg = urlQuery.ReplaceAllString(msg, "$1?…")
	for _, k := range secretEnv {
		if v := osGetenv(k); len(v) >= 4 {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
		}
	}
	return msg
}

var urlQuery = regexp.MustCompile(`(https?://[^\s?"']*)\?[^\s"']*`)

// secretEnv lists the variables through which the clouds' credential
// chains take secrets from the environment.
var secretEnv = []string{
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID",
	"AZURE_STORAGE_KEY", "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGEBLOB_CONNECTIONSTRING",
	"AZURE_STORAGE_SAS_TOKEN", "AZURE_CLIENT_SECRET",
}
