package oraclepsctest

import (
	"strings"

	"github.com/civicpay/datapump/oraclepsc"
)

// cond is one attribute=value condition of q.
type cond struct {
	attr  *attribute
	value string
}

// matches reports whether p meets every condition.
func matches(p *oraclepsc.CheckoutPayment, conds []cond) bool {
	for _, c := range conds {
		if !c.attr.equal(p, c.value) {
			return false
		}
	}
	return true
}

// parseQ reads q in the syntax of a REST framework version: version 1
// takes query-by-example, "Attr=value;Attr2=value" (values as written);
// version 2 and later take expressions, "Attr='text' and Attr2=123",
// string values quoted. Only equality is supported.
func parseQ(q string, version int) ([]cond, error) {
	if q == "" {
		return nil, nil
	}
	if version < 2 {
		var conds []cond
		for _, part := range strings.Split(q, ";") {
			name, value, ok := strings.Cut(part, "=")
			a := schema[name]
			if !ok || a == nil {
				return nil, errorf("expected Attribute=value, with an attribute of CheckoutPmt")
			}
			conds = append(conds, cond{attr: a, value: value})
		}
		return conds, nil
	}
	p := &qParser{s: q}
	var conds []cond
	for {
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
		p.spaces()
		if p.done() {
			return conds, nil
		}
		if !p.keyword("and") {
			return nil, errorf("conditions must be joined with and")
		}
	}
}

// qParser reads a version 2 q expression.
type qParser struct {
	s string
	i int
}

func (p *qParser) done() bool { return p.i >= len(p.s) }

func (p *qParser) spaces() {
	for !p.done() && p.s[p.i] == ' ' {
		p.i++
	}
}

// keyword reads word followed by a space, case-insensitively.
func (p *qParser) keyword(word string) bool {
	end := p.i + len(word)
	if end >= len(p.s) || !strings.EqualFold(p.s[p.i:end], word) || p.s[end] != ' ' {
		return false
	}
	p.i = end
	return true
}

// condition reads Attr = 'text' or Attr = 123.
func (p *qParser) condition() (cond, error) {
	p.spaces()
	start := p.i
	for !p.done() && isNameByte(p.s[p.i]) {
		p.i++
	}
	a := schema[p.s[start:p.i]]
	if a == nil {
		return cond{}, errorf("expected an attribute of CheckoutPmt")
	}
	p.spaces()
	if p.done() || p.s[p.i] != '=' {
		return cond{}, errorf("expected =")
	}
	p.i++
	p.spaces()
	if !p.done() && p.s[p.i] == '\'' {
		end := strings.IndexByte(p.s[p.i+1:], '\'')
		if end < 0 {
			return cond{}, errorf("a quoted value is not closed")
		}
		value := p.s[p.i+1 : p.i+1+end]
		p.i += end + 2
		return cond{attr: a, value: value}, nil
	}
	start = p.i
	for !p.done() && p.s[p.i] != ' ' {
		p.i++
	}
	value := p.s[start:p.i]
	if a.kind == kString || a.kind == kDate || a.kind == kDateTime {
		return cond{}, errorf("a text value must be quoted")
	}
	if _, err := oraclepsc.ParseAmount(value); err != nil {
		return cond{}, errorf("expected a number")
	}
	return cond{attr: a, value: value}, nil
}

func isNameByte(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_'
}
