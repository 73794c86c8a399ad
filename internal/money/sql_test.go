package money

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValue(t *testing.T) {
	cases := []struct {
		a    Amount
		want string
	}{
		{Amount{}, "0.00"},
		{mustParse(t, "100.5"), "100.50"},
		{mustParse(t, "-0.125"), "-0.125"},
		{Cents(math.MaxInt64), "92233720368547758.07"},
	}
	for _, tc := range cases {
		v, err := tc.a.Value()
		require.NoError(t, err)
		assert.Equal(t, tc.want, v, "a string, the String text")
		assert.True(t, driver.IsValue(v))
	}
}

func TestScan(t *testing.T) {
	cases := []struct {
		src  any
		want Amount
	}{
		{"100.50", Cents(10050)},
		{"-0.125", mustParse(t, "-0.125")},
		{"0", Amount{}},
		{"92233720368547758.07", Cents(math.MaxInt64)},
		{[]byte("100.50"), Cents(10050)},
		{[]byte("1.005e2"), Cents(10050)},
		{int64(42), Cents(4200)},
		{int64(0), Amount{}},
		{int64(math.MinInt64), Amount{coef: math.MinInt64}},
	}
	for _, tc := range cases {
		a := Cents(1)
		require.NoError(t, a.Scan(tc.src), "%T %v", tc.src, tc.src)
		assert.Equal(t, tc.want, a, "%T %v", tc.src, tc.src)
	}
}

func TestScanCopiesBytes(t *testing.T) {
	buf := []byte("123.45")
	var a Amount
	require.NoError(t, a.Scan(buf))
	copy(buf, "999.99")
	assert.Equal(t, Cents(12345), a)
}

func TestScanRefuses(t *testing.T) {
	cases := []struct {
		src  any
		want string // the whole error text
		is   error
	}{
		{float64(1.5), "money: cannot scan a float64 into an Amount: money never passes through float64; read the column as DECIMAL, NUMERIC or text", nil},
		{nil, "money: cannot scan NULL into an Amount; use sql.Null[Amount] or *Amount for a nullable column", nil},
		{true, "money: cannot scan a bool into an Amount", nil},
		{time.Unix(0, 0), "money: cannot scan a time.Time into an Amount", nil},
		{"12x34secret", "money: not a decimal number", ErrSyntax},
		{[]byte("12x34secret"), "money: not a decimal number", ErrSyntax},
		{"", "money: not a decimal number", ErrSyntax},
		{"1e-19", "money: more than 18 digits after the decimal point", ErrRange},
		{[]byte("1e19"), "money: too many digits for an exact amount", ErrRange},
	}
	for _, tc := range cases {
		a := Cents(7)
		err := a.Scan(tc.src)
		assert.EqualError(t, err, tc.want, "%T", tc.src)
		if tc.is != nil {
			assert.ErrorIs(t, err, tc.is)
		}
		assert.Equal(t, Cents(7), a, "%T: a refused value changes nothing", tc.src)
	}
}

// The echo driver answers a query with one row holding its arguments as
// they reached the driver. Like real drivers it reuses its []byte buffers,
// here by scribbling over them when the rows close.
func init() { sql.Register("money-echo", echoDriver{}) }

type echoDriver struct{}

func (echoDriver) Open(string) (driver.Conn, error) { return echoConn{}, nil }

type echoConn struct{}

func (echoConn) Prepare(string) (driver.Stmt, error) { return echoStmt{}, nil }
func (echoConn) Close() error                        { return nil }
func (echoConn) Begin() (driver.Tx, error)           { return nil, errors.New("no transactions") }

type echoStmt struct{}

func (echoStmt) Close() error                               { return nil }
func (echoStmt) NumInput() int                              { return -1 }
func (echoStmt) Exec([]driver.Value) (driver.Result, error) { return nil, errors.New("query only") }
func (echoStmt) Query(args []driver.Value) (driver.Rows, error) {
	return &echoRows{vals: args}, nil
}

type echoRows struct {
	vals []driver.Value
	done bool
}

func (r *echoRows) Columns() []string {
	cols := make([]string, len(r.vals))
	for i := range cols {
		cols[i] = fmt.Sprint("c", i)
	}
	return cols
}

func (r *echoRows) Close() error {
	for _, v := range r.vals {
		if b, ok := v.([]byte); ok {
			for i := range b {
				b[i] = '9'
			}
		}
	}
	return nil
}

func (r *echoRows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	copy(dest, r.vals)
	return nil
}

func echoDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("money-echo", "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSQLRoundTrip(t *testing.T) {
	db := echoDB(t)
	for _, a := range []Amount{{}, Cents(10050), mustParse(t, "-0.125"), Cents(math.MaxInt64), Cents(math.MinInt64), {coef: math.MinInt64, scale: MaxScale}} {
		var raw any
		var back Amount
		require.NoError(t, db.QueryRow("echo", a, a).Scan(&raw, &back), a)
		assert.Equal(t, a.String(), raw, "the driver receives the String text")
		assert.Equal(t, a, back)
	}
}

func TestSQLScanEachType(t *testing.T) {
	db := echoDB(t)
	buf := []byte("123.45")
	var s, b, i Amount
	require.NoError(t, db.QueryRow("echo", "100.50", buf, int64(42)).Scan(&s, &b, &i))
	assert.Equal(t, Cents(10050), s)
	assert.Equal(t, Cents(12345), b)
	assert.Equal(t, Cents(4200), i)
	assert.Equal(t, "999999", string(buf), "the driver reused its buffer")

	for _, src := range []any{1.5, nil, true} {
		a := Cents(7)
		err := db.QueryRow("echo", src).Scan(&a)
		assert.ErrorContains(t, err, "money: cannot scan", "%T", src)
		assert.Equal(t, Cents(7), a)
	}
	var a Amount
	err := db.QueryRow("echo", "12x34secret").Scan(&a)
	assert.ErrorIs(t, err, ErrSyntax)
	assert.NotContains(t, err.Error(), "secret")
}

func TestSQLNullable(t *testing.T) {
	db := echoDB(t)
	var n, v sql.Null[Amount]
	var p, q *Amount
	require.NoError(t, db.QueryRow("echo", nil, "1.5", nil, []byte("-2")).Scan(&n, &v, &p, &q))
	assert.False(t, n.Valid)
	assert.Equal(t, sql.Null[Amount]{V: Cents(150), Valid: true}, v)
	assert.Nil(t, p)
	require.NotNil(t, q)
	assert.Equal(t, Cents(-200), *q)

	// And as arguments: a NULL, or the String text.
	var raw1, raw2, raw3, raw4 any
	require.NoError(t, db.QueryRow("echo", sql.Null[Amount]{}, sql.Null[Amount]{V: Cents(150), Valid: true}, (*Amount)(nil), q).
		Scan(&raw1, &raw2, &raw3, &raw4))
	assert.Nil(t, raw1)
	assert.Equal(t, "1.50", raw2)
	assert.Nil(t, raw3)
	assert.Equal(t, "-2.00", raw4)
}
