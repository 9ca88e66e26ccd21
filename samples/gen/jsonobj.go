package main

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// obj is a JSON object that remembers key order. encoding/json sorts map keys
// alphabetically, which would not look like Retell's responses, so every
// object in a sample is an obj (or a struct with fixed field order).
type obj struct {
	kvs []kv
}

type kv struct {
	k string
	v any
}

// o builds an obj from alternating keys and values: o("a", 1, "b", "x").
func o(pairs ...any) *obj {
	if len(pairs)%2 != 0 {
		panic("o: odd number of arguments")
	}
	m := &obj{}
	for i := 0; i < len(pairs); i += 2 {
		m.set(pairs[i].(string), pairs[i+1])
	}
	return m
}

// set replaces the value of k in place, or appends k at the end.
func (m *obj) set(k string, v any) *obj {
	for i := range m.kvs {
		if m.kvs[i].k == k {
			m.kvs[i].v = v
			return m
		}
	}
	m.kvs = append(m.kvs, kv{k, v})
	return m
}

func (m *obj) get(k string) (any, bool) {
	for _, p := range m.kvs {
		if p.k == k {
			return p.v, true
		}
	}
	return nil, false
}

func (m *obj) del(k string) {
	for i := range m.kvs {
		if m.kvs[i].k == k {
			m.kvs = append(m.kvs[:i], m.kvs[i+1:]...)
			return
		}
	}
}

// MarshalJSON writes the keys in insertion order.
func (m obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range m.kvs {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := marshalRaw(p.k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalRaw(p.v)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", p.k, err)
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalRaw encodes v without HTML escaping: Retell returns "<b>" and "&"
// literally, and the samples must too (json.Marshal would write \u003cb\u003e).
func marshalRaw(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// encodePretty renders a response body the way the samples are stored:
// 2-space indent, no HTML escaping, trailing newline.
func encodePretty(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
