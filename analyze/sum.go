package analyze

import (
	"math"
	"math/big"
	"math/bits"
)

// exactSum adds numbers in fixed point, so a total does not depend on the
// order the values arrive in: float64 addition is not associative, and a
// re-run that fetched the same calls in another order printed 16.184 where
// the first run printed 16.183. Each value is rounded to sumScale (a
// millionth of its unit: a millionth of a cent, of a millisecond, of a
// second), far below what reports show, and summed in a 128-bit integer,
// which cannot overflow for values within export.MaxMagnitude.
type exactSum struct {
	lo uint64 // two's complement 128-bit total, in units of 1/sumScale
	hi int64
}

const sumScale = 1e6

func (s *exactSum) add(v float64) {
	x := int64(math.Round(v * sumScale)) // |v| <= export.MaxMagnitude keeps x in range
	var carry uint64
	s.lo, carry = bits.Add64(s.lo, uint64(x), 0)
	s.hi += int64(carry) + x>>63 // x>>63 sign-extends x to 128 bits
}

// value returns the total. The conversion is deterministic: equal totals
// give equal float64s.
func (s *exactSum) value() float64 {
	if (s.hi == 0 && s.lo < 1<<63) || (s.hi == -1 && s.lo >= 1<<63) {
		return float64(int64(s.lo)) / sumScale // fits in an int64: the usual case
	}
	b := new(big.Int).Lsh(big.NewInt(s.hi), 64)
	b.Add(b, new(big.Int).SetUint64(s.lo))
	f, _ := new(big.Float).SetInt(b).Float64()
	return f / sumScale
}

// addSum adds the total of o.
func (s *exactSum) addSum(o exactSum) {
	var carry uint64
	s.lo, carry = bits.Add64(s.lo, o.lo, 0)
	s.hi += o.hi + int64(carry)
}
