package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/civicpay/datapump/internal/redact"
)

// secretName matches field names that hold credentials or card data.
var secretName = regexp.MustCompile(`(?i)(password|passwd|secret|token|session_?id|api_?key|cvv|card_?number|pin$)`)

// notSecretName matches names that mention a secret without holding one
// (TokenURL, TokenType, TokenSource, SessionTimeout).
var notSecretName = regexp.MustCompile(`(URL|Path|Type|Source|Lifetime|Expiry|Timeout)$`)

var secretType = reflect.TypeOf(redact.Secret(""))

// PrintsNoSecrets checks the package whose source is in dir (its exported
// struct types, read from the source so a type added later cannot be
// missed) against samples, one value of each:
//
//   - every exported struct type has a sample;
//   - every string field whose name says it holds a secret (Password,
//     AccessToken, SessionID, …) is a redact.Secret, unless tagged
//     datapump:"public" (a BillerReference IPS calls a "token");
//   - with every Secret field filled, no fmt verb, json.Marshal or slog
//     (text and JSON) prints any of them.
func PrintsNoSecrets(t *testing.T, dir string, samples ...any) {
	t.Helper()
	names := exportedStructs(t, dir)
	have := map[string]bool{}
	for _, s := range samples {
		rt := reflect.TypeOf(s)
		for rt.Kind() == reflect.Pointer {
			rt = rt.Elem()
		}
		have[rt.Name()] = true
	}
	for _, n := range names {
		if !have[n] {
			t.Errorf("no sample of exported type %s: add one to PrintsNoSecrets", n)
		}
	}
	for _, s := range samples {
		rv := reflect.ValueOf(s)
		for rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		v := reflect.New(rv.Type())
		v.Elem().Set(rv)
		var markers []string
		fill(t, v.Elem(), rv.Type().Name(), &markers, 0)
		printed := render(v.Interface()) + render(v.Elem().Interface())
		for _, m := range markers {
			if strings.Contains(printed, m) {
				t.Errorf("%s prints a secret field: %s", rv.Type().Name(), printed)
				break
			}
		}
	}
}

// exportedStructs lists the exported struct types declared in dir's
// non-test Go files.
func exportedStructs(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	fset := token.NewFileSet()
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, spec := range g.Specs {
				ts := spec.(*ast.TypeSpec)
				if _, isStruct := ts.Type.(*ast.StructType); isStruct && ts.Assign == 0 && ts.Name.IsExported() && ts.TypeParams == nil {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

// fill walks v's exported fields, putting a marker in every Secret and
// failing on secret-named plain strings.
func fill(t *testing.T, v reflect.Value, path string, markers *[]string, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() && v.CanSet() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if !v.IsNil() {
			fill(t, v.Elem(), path, markers, depth+1)
		}
	case reflect.Slice:
		if v.Len() == 0 && v.CanSet() {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
		for i := 0; i < v.Len(); i++ {
			fill(t, v.Index(i), path+"[]", markers, depth+1)
		}
	case reflect.Struct:
		rt := v.Type()
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			name := path + "." + f.Name
			switch {
			case f.Type == secretType:
				m := fmt.Sprintf("SeCrEtMaRkEr%03d", len(*markers))
				*markers = append(*markers, m)
				fv.SetString(m)
			case f.Type.Kind() == reflect.String && secretName.MatchString(f.Name) &&
				!notSecretName.MatchString(f.Name) && f.Tag.Get("datapump") != "public":
				t.Errorf("%s looks like it holds a secret but is a plain %s: make it a Secret (or tag it datapump:\"public\")", name, f.Type)
			default:
				fill(t, fv, name, markers, depth+1)
			}
		}
	}
}

// render prints v every way a caller might.
func render(v any) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%v|%+v|%#v|%s|", v, v, v, v)
	if j, err := json.Marshal(v); err == nil {
		b.Write(j)
	}
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", slog.Any("v", v))
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", slog.Any("v", v))
	return b.String()
}

// PrintsNoCredentials checks that client (a *Client built with
// credentials, after a call so it holds a token) prints none of them
// with any fmt verb, encoding/json or slog.
func PrintsNoCredentials(t *testing.T, client any, credentials ...string) {
	t.Helper()
	var b bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		fmt.Fprintf(&b, verb+"|", client)
	}
	b.WriteString(render(client))
	for _, c := range credentials {
		if c != "" && strings.Contains(b.String(), c) {
			t.Errorf("the client prints a credential: %s", b.String())
			return
		}
	}
}
