// Package retell is the Retell API client: authentication, one request
// path with its retry policy (backoff with jitter, Retry-After, a separate
// budget for 429s), typed errors (APIError, AuthError for the run,
// FetchError for one call), get-call, and list-calls paging as an
// iterator. Every request waits for the shared pacer (package pacing).
package retell
