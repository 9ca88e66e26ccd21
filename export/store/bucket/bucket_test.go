package bucket

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/retell-export/retell-export/export/store"
	"github.com/retell-export/retell-export/export/store/bucket/buckettest"
	"github.com/retell-export/retell-export/export/store/storetest"
)

var backends = []struct {
	name  string
	start func(*testing.T) *buckettest.Server
}{
	{"s3", pool.S3},
	{"gcs", pool.GCS},
	{"azure", pool.Azure},
}

// forEach runs f against a fresh bucket of each backend's server.
func forEach(t *testing.T, f func(t *testing.T, srv *buckettest.Server, url string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			srv := b.start(t)
			bucket := buckettest.BucketName(t)
			srv.MakeBucket(t, bucket)
			srv.Use(t)
			f(t, srv, srv.URL(bucket, "retell/nightly"))
		})
	}
}

func openT(t *testing.T, url string) *Bucket {
	t.Helper()
	s, err := OpenBucket(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestBucket(t *testing.T) {
	forEach(t, func(t *testing.T, srv *buckettest.Server, url string) {
		s, err := Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.Dir(); ok {
			t.Error("a bucket says it is a directory")
		}
		if err := Probe(context.Background(), s); err != nil {
			t.Fatalf("Probe: %v", err)
		}
		storetest.Run(t, s)

		// The prefix is the dataset's root: a sibling dataset in the
		// same bucket is invisible to it.
		ctx := context.Background()
		other := openT(t, srv.URL(s.(*Bucket).loc.bucket, "retell/other"))
		if err := store.WriteAll(ctx, other, "x", []byte("x")); err != nil {
			t.Fatal(err)
		}
		if es, err := s.List(ctx, ""); err != nil || len(es) != 0 {
			t.Errorf("List sees %v, %v outside its prefix", es, err)
		}
	})
}

// TestBucketLarge writes objects larger than the upload parts: they
// stream in parts, read back byte for byte and by range, and an aborted
// one leaves neither an object nor (on S3) an unfinished multipart upload.
func TestBucketLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large uploads")
	}
	forEach(t, func(t *testing.T, srv *buckettest.Server, url string) {
		ctx := context.Background()
		s := openT(t, url)
		const size = 3*PartSize + 12345
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i*7 + i>>11)
		}
		o, err := s.Create(ctx, "big.bin")
		if err != nil {
			t.Fatal(err)
		}
		for p := data; len(p) > 0; {
			n := min(len(p), 100_000)
			if _, err := o.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := store.ReadAll(ctx, s, "big.bin")
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes (want %d), equal %v, err %v", len(got), len(data), bytes.Equal(got, data), err)
		}
		r, err := s.OpenRange(ctx, "big.bin", PartSize-5, 10)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = io.ReadAll(r)
		r.Close()
		if !bytes.Equal(got, data[PartSize-5:PartSize+5]) {
			t.Errorf("range across a part boundary = %x", got)
		}
		r, _ = s.OpenRange(ctx, "big.bin", size-3, -1)
		got, _ = io.ReadAll(r)
		r.Close()
		if !bytes.Equal(got, data[size-3:]) {
			t.Errorf("range to the end = %x", got)
		}

		o, err = s.Create(ctx, "aborted.bin")
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := o.Write(data[:PartSize]); err != nil {
				t.Fatal(err)
			}
		}
		if err := o.Abort(); err != nil {
			t.Fatal(err)
		}
		if es, _ := s.List(ctx, "aborted"); len(es) != 0 {
			t.Errorf("an aborted upload is listed: %v", es)
		}
		if srv.Scheme == "s3" {
			var c *s3.Client
			s.b.As(&c)
			out, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(s.loc.bucket)})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Uploads) != 0 {
				t.Errorf("an aborted upload left %d multipart uploads", len(out.Uploads))
			}
		}
	})
}

// oneWinner checks a race: exactly one run holds the lock, and each other
// was told its pid.
func oneWinner(t *testing.T, winners []int, holders []store.Holder) {
	t.Helper()
	if len(winners) != 1 {
		t.Fatalf("%d runs hold the lock: %v", len(winners), winners)
	}
	for _, h := range holders {
		if h.PID != winners[0] {
			t.Errorf("a loser was told pid %d holds the lock; the winner is %d", h.PID, winners[0])
		}
	}
}

// TestBucketLockRace has several runs, each with its own client as if
// on its own machine, take one lock at once: exactly one wins, and each
// other is told who holds it.
func TestBucketLockRace(t *testing.T) {
	forEach(t, func(t *testing.T, srv *buckettest.Server, url string) {
		winners, holders := race(t, url, 6)
		oneWinner(t, winners, holders)
	})
}

// race has n runs take the lock at url at once; it returns the pids that
// got it, and the holders named to those that did not.
func race(t *testing.T, url string, n int) (winners []int, holders []store.Holder) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	stores := make([]*Bucket, n)
	for i := range stores {
		stores[i] = openT(t, url)
	}
	startLine := make(chan struct{})
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startLine
			me := store.Holder{PID: 100 + i, Host: "machine-" + string(rune('a'+i)), Started: time.Now()}
			l, err := s.Lock(context.Background(), ".lock", me)
			mu.Lock()
			defer mu.Unlock()
			var le *store.LockedError
			switch {
			case err == nil:
				winners = append(winners, me.PID)
				t.Cleanup(func() { l.Release() })
			case errors.As(err, &le):
				holders = append(holders, le.Holder)
			default:
				t.Errorf("run %d: %v", me.PID, err)
			}
		}()
	}
	close(startLine)
	wg.Wait()
	return winners, holders
}

// TestBucketLockStale: a lock whose lease ran out (its run was killed) is
// taken over by exactly one of several runs that find it.
func TestBucketLockStale(t *testing.T) {
	forEach(t, func(t *testing.T, srv *buckettest.Server, url string) {
		ctx := context.Background()
		dead := lockRecord{Holder: store.Holder{PID: 4242, Host: "gone", Started: time.Now().Add(-time.Hour), Renewed: time.Now().Add(-10 * time.Minute)}, Lease: DefaultLease, Token: "dead"}
		b, _ := json.Marshal(dead)
		if err := store.WriteAll(ctx, openT(t, url), ".lock", b); err != nil {
			t.Fatal(err)
		}
		winners, holders := race(t, url, 5)
		oneWinner(t, winners, holders)
		// The winner says whose lock it took over.
		s := openT(t, url)
		s.now = func() time.Time { return time.Now().Add(time.Hour) } // the winner's lease has run out too
		l, err := s.Lock(ctx, ".lock", store.Holder{PID: 7, Host: "later"})
		if err != nil {
			t.Fatal(err)
		}
		defer l.Release()
		if h, took := l.TookOver(); !took || h.PID != winners[0] {
			t.Errorf("TookOver = %v, %v; want pid %d", h, took, winners[0])
		}
	})
}

// TestBucketLockLease: the holder renews its lease, so a second run
// keeps finding the lock held; when someone else's version replaces it,
// Lost is closed, and Release leaves the other's lock alone.
func TestBucketLockLease(t *testing.T) {
	forEach(t, func(t *testing.T, srv *buckettest.Server, url string) {
		ctx := context.Background()
		s := openT(t, url)
		s.lease, s.renew = 3*time.Second, 100*time.Millisecond
		l, err := s.Lock(ctx, ".lock", store.Holder{PID: 1, Host: "a", Started: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		first := readRecord(t, s)
		deadline := time.Now().Add(30 * time.Second)
		for readRecord(t, s).Renewed.Equal(first.Renewed) {
			if time.Now().After(deadline) {
				t.Fatal("the lease is never renewed")
			}
			time.Sleep(50 * time.Millisecond)
		}
		select {
		case <-l.Lost():
			t.Fatal("Lost while renewing normally")
		default:
		}

		// Another run's version replaces the lock (as a takeover would).
		other := lockRecord{Holder: store.Holder{PID: 2, Host: "b", Renewed: time.Now()}, Lease: time.Hour, Token: "other"}
		b, _ := json.Marshal(other)
		if err := store.WriteAll(ctx, openT(t, url), ".lock", b); err != nil {
			t.Fatal(err)
		}
		select {
		case <-l.Lost():
		case <-time.After(30 * time.Second):
			t.Fatal("Lost is not closed after the lock was replaced")
		}
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
		if got := readRecord(t, s); got.Token != "other" {
			t.Errorf("Release of a lost lock removed or changed the new holder's: %+v", got)
		}
	})
}

func readRecord(t *testing.T, s *Bucket) lockRecord {
	t.Helper()
	rec, _, err := s.readLock(context.Background(), ".lock")
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestProbeErrors: what a user gets wrong gives one line saying what to
// fix, and never a credential.
func TestProbeErrors(t *testing.T) {
	cases := []struct {
		backend string
		what    string
		env     map[string]string // on top of the server's
		bucket  string
		kind    Kind
		want    string
	}{
		{"s3", "missing bucket", nil, "nosuch", KindNoBucket, "bucket does not exist"},
		{"s3", "wrong secret", map[string]string{"AWS_SECRET_ACCESS_KEY": "wrong-secret-0123456789"}, "lake", KindCredentials, "credentials are missing, unknown or expired"},
		{"s3", "unknown key id", map[string]string{"AWS_ACCESS_KEY_ID": "AKIANOSUCHKEY"}, "lake", KindCredentials, "credentials are missing, unknown or expired"},
		{"s3", "no credentials", map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "lake", KindCredentials, "credentials are missing, unknown or expired"},
		{"gcs", "missing bucket", nil, "nosuch", KindNoBucket, "bucket does not exist"},
		{"azure", "missing container", nil, "nosuch", KindNoBucket, "bucket does not exist"},
		// Azure answers a bad signature with AuthenticationFailed; Azurite
		// with AuthorizationFailure, which Azure uses for denied access.
		{"azure", "wrong key", map[string]string{"AZURE_STORAGE_CONNECTION_STRING": ""}, "lake", KindDenied, "access denied"},
	}
	for _, b := range backends {
		for _, c := range cases {
			if c.backend != b.name {
				continue
			}
			t.Run(c.backend+"/"+c.what, func(t *testing.T) {
				srv := b.start(t)
				lake := buckettest.BucketName(t)
				srv.MakeBucket(t, lake)
				srv.Use(t)
				for k, v := range c.env {
					if k == "AZURE_STORAGE_CONNECTION_STRING" {
						v = strings.Replace(srv.Env[k], buckettest.AzuriteKey, "d3JvbmcgYnV0IHdlbGwtZm9ybWVkIGtleSAwMTIzNDU2Nzg5MDEyMzQ1Njc4OQ==", 1)
					}
					t.Setenv(k, v)
				}
				bucket := c.bucket
				if bucket == "lake" {
					bucket = lake
				}
				s, err := OpenBucket(context.Background(), srv.URL(bucket, "retell"))
				if err == nil {
					defer s.Close()
					err = Probe(context.Background(), s)
				}
				if err == nil {
					t.Fatal("Probe passed")
				}
				msg := err.Error()
				t.Log(msg)
				var e *Error
				if !errors.As(err, &e) || e.Kind != c.kind {
					t.Errorf("Probe = %v; want kind %d", err, c.kind)
				}
				if !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
					t.Errorf("Probe says %q; want one line saying %q", msg, c.want)
				}
				for _, secret := range append(srv.Secrets, "wrong-secret-0123456789") {
					if strings.Contains(msg, secret) {
						t.Errorf("Probe's error holds a credential: %q", msg)
					}
				}
			})
		}
	}
}

// TestBucketLockTwoProcesses: two processes (this test binary, run
// again) take one lock at once: one holds it, the other is told its pid.
func TestBucketLockTwoProcesses(t *testing.T) {
	forEach(t, func(t *testing.T, srv *buckettest.Server, url string) {
		outs := make([]bytes.Buffer, 2)
		cmds := make([]*exec.Cmd, 2)
		done := t.TempDir() // where the process that lost says so
		for i := range cmds {
			cmds[i] = exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
			cmds[i].Env = append(os.Environ(), "RETELL_LOCK_HELPER="+url, "RETELL_LOCK_DONE="+done)
			cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		}
		for _, c := range cmds {
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
		}
		won := map[int]bool{}
		var told []int
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Fatalf("helper: %v\n%s", err, outs[i].String())
			}
			var pid int
			switch out := outs[i].String(); {
			case scan(out, "WON %d", &pid):
				won[pid] = true
			case scan(out, "LOCKED %d", &pid):
				told = append(told, pid)
			default:
				t.Fatalf("helper said %q", out)
			}
		}
		if len(won) != 1 || len(told) != 1 || !won[told[0]] {
			t.Errorf("winners %v, losers told %v: want one winner, named to the other", won, told)
		}
	})
}

func scan(out, format string, pid *int) bool {
	for _, line := range strings.Split(out, "\n") {
		if n, _ := fmt.Sscanf(line, format, pid); n == 1 {
			return true
		}
	}
	return false
}

// TestLockHelperProcess is one of TestBucketLockTwoProcesses's runs.
func TestLockHelperProcess(t *testing.T) {
	url := os.Getenv("RETELL_LOCK_HELPER")
	if url == "" {
		t.Skip("run by TestBucketLockTwoProcesses")
	}
	s, err := OpenBucket(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	host, _ := os.Hostname()
	l, err := s.Lock(context.Background(), ".lock", store.Holder{PID: os.Getpid(), Host: host, Started: time.Now()})
	var le *store.LockedError
	switch {
	case err == nil:
		fmt.Printf("WON %d\n", os.Getpid())
		// Hold it until the other process has tried (and says so), or
		// for a minute if it never does: the test then fails on counts.
		done := os.Getenv("RETELL_LOCK_DONE")
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if es, _ := os.ReadDir(done); len(es) > 0 {
				break
			}
		}
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
	case errors.As(err, &le):
		fmt.Printf("LOCKED %d\n", le.Holder.PID)
		os.WriteFile(filepath.Join(os.Getenv("RETELL_LOCK_DONE"), strconv.Itoa(os.Getpid())), nil, 0o644)
	default:
		t.Fatal(err)
	}
}
