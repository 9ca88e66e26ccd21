package formats

import (
	"math"
	"strconv"
	"strings"
)

// MicroCents is an amount of money in millionths of a US cent: an exact
// fixed-point number, so that sums are exact wherever the tables go.
//
// Retell sends costs in cents with up to three decimals (combined_cost
// 25.849, cost 0.075) and unit prices in cents per second with four
// (0.0833). As binary floating point, a sum of such amounts is not exact
// (DuckDB summed the sample calls' cost_cents to 915.3239999999998). Six
// decimals of a cent hold every amount seen with room to spare, and one
// integer is the unscaled value of both money columns: DECIMAL(18,6) in
// cents and DECIMAL(18,8) in dollars (dividing by 100 moves the point and
// rounds nothing). Precision 18 fits an INT64, which DuckDB, Spark, Athena
// and BigQuery (NUMERIC: precision 38, scale 9) all read as DECIMAL, and
// holds up to a trillion cents ($10 billion) per amount; a larger amount,
// which no call costs, is NULL, as is one Retell did not send.
type MicroCents int64

const (
	moneyScale = 6 // decimals of a cent
	// maxMicroCents is the largest unscaled value of 18 digits.
	maxMicroCents = 999_999_999_999_999_999
)

// microCents converts an amount Retell sent in cents, rounded half away
// from zero to a millionth of a cent. It works on the shortest decimal
// text of the float64, which is the number as Retell wrote it, so no
// binary noise creeps in (0.0833 is 83300, never 83299).
func microCents(cents *float64) *MicroCents {
	if cents == nil || math.IsNaN(*cents) || math.IsInf(*cents, 0) {
		return nil
	}
	s := strconv.FormatFloat(*cents, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	up := len(frac) > moneyScale && frac[moneyScale] >= '5'
	frac = (frac + strings.Repeat("0", moneyScale))[:moneyScale]
	if len(whole) > 18-moneyScale {
		return nil
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return nil
	}
	if up {
		v++
	}
	if v > maxMicroCents {
		return nil
	}
	if neg {
		v = -v
	}
	return ptr(MicroCents(v))
}

// Cents returns m in cents as the nearest float64, or nil for nil: for
// spreadsheets, whose numbers are all binary floating point.
func (m *MicroCents) Cents() *float64 { return m.float(moneyScale) }

// USD returns m in dollars as the nearest float64, or nil for nil.
func (m *MicroCents) USD() *float64 { return m.float(moneyScale + 2) }

func (m *MicroCents) float(scale int) *float64 {
	if m == nil {
		return nil
	}
	return ptr(decimalFloat(int64(*m), scale))
}

// decimalFloat is v / 10^scale correctly rounded: both are exact in a
// float64 (|v| < 2^53 for any real amount), and IEEE division rounds once.
func decimalFloat(v int64, scale int) float64 { return float64(v) / math.Pow10(scale) }

// formatDecimal writes v / 10^scale as plain decimal text: no exponent, no
// trailing zeros, no point for whole numbers ("915.324", "-0.000005", "0").
func formatDecimal(v int64, scale int) string {
	neg := v < 0
	if neg {
		v = -v // |v| <= maxMicroCents: no overflow
	}
	d := strconv.FormatInt(v, 10)
	if len(d) <= scale {
		d = strings.Repeat("0", scale-len(d)+1) + d
	}
	s := d[:len(d)-scale]
	if frac := strings.TrimRight(d[len(d)-scale:], "0"); frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}
