package retell

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pacing"
)

// Calls without a start are found whether the API sorts them before or
// after the others, in pages, and only once; the started calls are not
// listed through to the end.
func TestListStartless(t *testing.T) {
	for _, last := range []bool{false, true} {
		t.Run(fmt.Sprintf("startless last %v", last), func(t *testing.T) {
			srv := fakeapi.NewServer(fakeapi.Options{ListPageSize: 3, StartlessLast: last})
			t.Cleanup(srv.Close)
			var want []string
			for i := range 40 {
				body := fmt.Sprintf(`{"call_id":"call_%03d","agent_id":"a","call_type":"phone_call","call_status":"ended","start_timestamp":%d}`, i, 1780000000000+int64(i)*1000)
				if i%8 == 0 { // no start: registered, or a dial that never connected
					body = fmt.Sprintf(`{"call_id":"call_%03d","agent_id":"a","call_type":"phone_call","call_status":"not_connected","end_timestamp":%d}`, i, 1780000000000+int64(i)*1000)
					want = append(want, fmt.Sprintf("call_%03d", i))
				}
				srv.AddCall([]byte(body))
			}
			c, err := NewClient(ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test", Pacer: pacing.NewPacer(0, 1, 1), Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for call, err := range c.ListStartless(context.Background(), nil) {
				if err != nil {
					t.Fatal(err)
				}
				if call.End == 0 {
					t.Errorf("%s: no end_timestamp from the listing", call.ID)
				}
				got = append(got, call.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("startless %v, want %v", got, want)
			}
			if pages := srv.ListPages(); pages > 8 {
				t.Errorf("%d list pages for 5 calls in pages of 3: it listed far past them", pages)
			}
		})
	}
}
