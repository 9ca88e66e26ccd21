// Package buckettest starts real object-storage servers on loopback ports
// for tests: versitygw (S3, POSIX backend in a temp dir), fake-gcs-server
// (GCS) and Azurite (Azure Blob). .ci/run installs them into
// $RETELL_STORE_TOOLS (default ~/.cache/retell-store); a test whose server
// is absent is skipped with a message saying how to install it.
//
// A Pool holds one server per backend for a test binary: each test makes
// buckets of its own (BucketName), and starting Azurite or versitygw for
// every test would cost more than the tests. Stop it from TestMain.
package buckettest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// A Server is a real object-storage server that a test started.
type Server struct {
	Scheme string // s3, gs or azblob
	// Env is what a client needs: endpoint and credentials, as a user
	// would set them. Use sets it with t.Setenv.
	Env map[string]string
	// Secrets are the credential values, which no output may contain.
	Secrets []string
	// MakeBucket creates a bucket (container) with the cloud's own API.
	MakeBucket func(t *testing.T, name string)
}

// URL names a dataset root in a bucket.
func (s *Server) URL(bucket, prefix string) string {
	return s.Scheme + "://" + bucket + "/" + prefix
}

// Use sets the server's environment for the rest of the test.
func (s *Server) Use(t *testing.T) {
	for k, v := range s.Env {
		t.Setenv(k, v)
	}
}

// storeTools is where .ci/run installs the servers.
func storeTools() string {
	if d := os.Getenv("RETELL_STORE_TOOLS"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "retell-store")
}

// findTool looks for a server's binary in the tools directory, then PATH.
func findTool(t *testing.T, rel, install string) string {
	t.Helper()
	p := filepath.Join(storeTools(), rel)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if p, err := exec.LookPath(filepath.Base(rel)); err == nil {
		return p
	}
	t.Skipf("SKIPPED: %s is not installed (%s; bash .ci/run does it)", filepath.Base(rel), install)
	return ""
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// start runs a server until the test binary ends (see TestMain) and
// waits until it accepts connections on addr.
func (p *Pool) start(t *testing.T, addr string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	p.atExit(func() {
		cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("%s exited before serving:\n%s", filepath.Base(name), out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not answer on %s:\n%s", filepath.Base(name), addr, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Pool holds the servers a test binary started, one per backend.
type Pool struct {
	mu      sync.Mutex
	servers map[string]*Server
	stops   []func()
}

// NewPool returns an empty pool; Stop it when the tests are done.
func NewPool() *Pool { return &Pool{servers: map[string]*Server{}} }

func (p *Pool) atExit(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stops = append(p.stops, f)
}

// get returns the running server of a backend, starting it if needed.
func (p *Pool) get(t *testing.T, name string, startFn func(*Pool, *testing.T) *Server) *Server {
	t.Helper()
	p.mu.Lock()
	srv := p.servers[name]
	p.mu.Unlock()
	if srv != nil {
		return srv
	}
	srv = startFn(p, t)
	p.mu.Lock()
	p.servers[name] = srv
	p.mu.Unlock()
	return srv
}

// Stop stops every server and removes their files.
func (p *Pool) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.stops {
		f()
	}
}

// S3 returns the pool's versitygw server.
func (p *Pool) S3(t *testing.T) *Server { return p.get(t, "s3", startS3) }

// GCS returns the pool's fake-gcs-server.
func (p *Pool) GCS(t *testing.T) *Server { return p.get(t, "gcs", startGCS) }

// Azure returns the pool's Azurite.
func (p *Pool) Azure(t *testing.T) *Server { return p.get(t, "azure", startAzure) }

// BucketName is a bucket of the test's own on a shared server.
func BucketName(t *testing.T) string {
	h := sha256.Sum256([]byte(t.Name()))
	return "t-" + hex.EncodeToString(h[:10])
}

// tempDir is a directory that lives as long as the servers.
func (p *Pool) tempDir(t *testing.T) string {
	d, err := os.MkdirTemp("", "retell-store-server-")
	if err != nil {
		t.Fatal(err)
	}
	p.atExit(func() { os.RemoveAll(d) })
	return d
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// isolatedEnv keeps a developer's own cloud configuration out of the
// tests: no shared config files, no instance metadata lookups.
func isolatedEnv(dir string) map[string]string {
	return map[string]string{
		"AWS_CONFIG_FILE":                 filepath.Join(dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE":     filepath.Join(dir, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED":       "true",
		"AWS_PROFILE":                     "",
		"AWS_SESSION_TOKEN":               "",
		"AWS_ENDPOINT_URL_S3":             "",
		"GOOGLE_APPLICATION_CREDENTIALS":  filepath.Join(dir, "no-google-credentials.json"),
		"STORAGE_EMULATOR_HOST":           "",
		"AZURE_STORAGE_ACCOUNT":           "",
		"AZURE_STORAGE_KEY":               "",
		"AZURE_STORAGE_SAS_TOKEN":         "",
		"AZURE_STORAGE_CONNECTION_STRING": "",
	}
}

// startS3 starts versitygw with a POSIX backend in a temp dir.
func startS3(p *Pool, t *testing.T) *Server {
	bin := findTool(t, "bin/versitygw", "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0")
	dir := p.tempDir(t)
	data := filepath.Join(dir, "data")
	os.Mkdir(data, 0o755)
	port := freePort(t)
	access, secret := "retelltest"+randomHex(4), randomHex(20)
	p.start(t, "127.0.0.1:"+port, bin, "--access", access, "--secret", secret, "--port", "127.0.0.1:"+port, "posix", data)
	env := isolatedEnv(dir)
	env["AWS_ACCESS_KEY_ID"] = access
	env["AWS_SECRET_ACCESS_KEY"] = secret
	env["AWS_REGION"] = "us-east-1"
	env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:" + port
	s := &Server{Scheme: "s3", Env: env, Secrets: []string{secret}}
	endpoint := env["AWS_ENDPOINT_URL"]
	s.MakeBucket = func(t *testing.T, name string) {
		t.Helper()
		c := s3.New(s3.Options{
			Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(access, secret, ""),
		})
		if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatalf("create bucket %s: %v", name, err)
		}
	}
	return s
}

// startGCS starts fake-gcs-server, in memory.
func startGCS(p *Pool, t *testing.T) *Server {
	bin := findTool(t, "bin/fake-gcs-server", "go install github.com/fsouza/fake-gcs-server@v1.56.1")
	dir := p.tempDir(t)
	port := freePort(t)
	host := "127.0.0.1:" + port
	p.start(t, host, bin, "-scheme", "http", "-host", "127.0.0.1", "-port", port, "-backend", "memory", "-public-host", host, "-log-level", "error")
	env := isolatedEnv(dir)
	env["STORAGE_EMULATOR_HOST"] = host
	s := &Server{Scheme: "gs", Env: env}
	s.MakeBucket = func(t *testing.T, name string) {
		t.Helper()
		resp, err := http.Post("http://"+host+"/storage/v1/b?project=test", "application/json", strings.NewReader(`{"name":"`+name+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("create bucket %s: %s", name, resp.Status)
		}
	}
	return s
}

// AzuriteKey is the Azure storage emulator's published development key.
const AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

// startAzure starts Azurite's blob service in a temp dir.
func startAzure(p *Pool, t *testing.T) *Server {
	bin := findTool(t, "node_modules/.bin/azurite-blob", "npm install azurite")
	dir := p.tempDir(t)
	port := freePort(t)
	host := "127.0.0.1:" + port
	p.start(t, host, bin, "--blobHost", "127.0.0.1", "--blobPort", port, "--location", dir, "--silent", "--skipApiVersionCheck")
	env := isolatedEnv(dir)
	env["AZURE_STORAGE_CONNECTION_STRING"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteKey + ";BlobEndpoint=http://" + host + "/devstoreaccount1;"
	env["AZURE_STORAGE_IS_LOCAL_EMULATOR"] = "true"
	env["AZURE_STORAGE_DOMAIN"] = host
	s := &Server{Scheme: "azblob", Env: env, Secrets: []string{AzuriteKey}}
	conn := env["AZURE_STORAGE_CONNECTION_STRING"]
	s.MakeBucket = func(t *testing.T, name string) {
		t.Helper()
		c, err := container.NewClientFromConnectionString(conn, name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Create(context.Background(), nil); err != nil {
			t.Fatalf("create container %s: %v", name, err)
		}
	}
	return s
}
