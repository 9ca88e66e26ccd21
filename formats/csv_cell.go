package formats

import (
	"reflect"
	"strconv"
	"time"

	"github.com/retell-export/retell-export/export/cells"
)

// csvTimeLayout is ISO 8601 in UTC with milliseconds, Retell's precision.
const csvTimeLayout = "2006-01-02T15:04:05.000Z"

// cellEncoder turns rows of one table into CSV records.
type cellEncoder struct {
	cols []Column
	raw  bool // no formula neutralisation
	rec  []string
}

func newCellEncoder(t Table, raw bool) *cellEncoder {
	return &cellEncoder{cols: t.Columns, raw: raw, rec: make([]string, len(t.Columns))}
}

// encode formats row (a pointer to a row struct) into a record that is
// reused by the next call. Missing values are empty cells; numbers use a dot
// and never an exponent; only text cells are ever neutralised, so numeric
// columns (negative numbers included) stay numbers.
func (e *cellEncoder) encode(row any) []string {
	v := reflect.ValueOf(row).Elem()
	for i, c := range e.cols {
		f := v.Field(c.field)
		if c.kind == cellTime { // *time.Time: an interface holding a pointer does not allocate
			if t := f.Interface().(*time.Time); t != nil {
				e.rec[i] = t.UTC().Format(csvTimeLayout)
			} else {
				e.rec[i] = ""
			}
			continue
		}
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				e.rec[i] = ""
				continue
			}
			f = f.Elem()
		}
		switch c.kind {
		case cellString:
			e.rec[i] = e.text(f.String())
		case cellInt:
			e.rec[i] = strconv.FormatInt(f.Int(), 10)
		case cellFloat:
			e.rec[i] = strconv.FormatFloat(f.Float(), 'f', -1, 64)
		case cellDecimal:
			e.rec[i] = formatDecimal(f.Int(), c.scale)
		case cellBool:
			e.rec[i] = strconv.FormatBool(f.Bool())
		}
	}
	return e.rec
}

func (e *cellEncoder) text(s string) string {
	if e.raw {
		return s
	}
	return cells.NeutralizeCell(s)
}
