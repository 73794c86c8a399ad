package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPartnerSurfacesAreCurrent fails when a partner package's generated
// surface is missing or differs from what the template and the internal
// source give: run `go generate ./...` (or go run ./internal/gen/surface).
func TestPartnerSurfacesAreCurrent(t *testing.T) {
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)
	files, err := Render(root)
	require.NoError(t, err)
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join(root, path))
		if !assert.NoError(t, err, "%s is missing: run go generate ./...", path) {
			continue
		}
		assert.Equal(t, string(want), string(got), "%s is stale: run go generate ./...", path)
	}
}

// TestEveryPartnerIsListed fails when a partner package exists at the
// module root but the generator does not know it.
func TestEveryPartnerIsListed(t *testing.T) {
	var listed []string
	for _, p := range Partners {
		listed = append(listed, p.Pkg)
	}
	for _, pkg := range []string{"citrus", "accela", "oraclepsc", "crmcom", "polaris"} {
		if _, err := os.Stat(filepath.Join("../../..", pkg)); err == nil {
			assert.True(t, slices.Contains(listed, pkg), "%s exists but is not in Partners", pkg)
		}
	}
}

func TestDocsListFieldsAndMethods(t *testing.T) {
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)
	docs, err := readDocs(root)
	require.NoError(t, err)
	assert.Contains(t, docs.List("Error", "fields"), "Outcome")
	assert.Contains(t, docs.List("Error", "methods"), "Unwrap() error")
	assert.Contains(t, docs.List("Amount", "methods"), "Cmp(")
	assert.Contains(t, docs.List("Fault", "fields"), "Action")
}

// TestEveryExportHasAnExample keeps the README's promise: every exported
// function and method of every partner package and its fake has a
// runnable Example.
func TestEveryExportHasAnExample(t *testing.T) {
	for _, p := range Partners {
		for _, dir := range []string{p.Pkg, filepath.Join(p.Pkg, p.Pkg+"test")} {
			missing := missingExamples(t, filepath.Join("../../..", dir))
			assert.Empty(t, missing, "%s: exported functions without an Example", dir)
		}
	}
}

// missingExamples lists the exported functions and methods (Type_Method)
// of dir that no Example function names.
func missingExamples(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	want, have := map[string]bool{}, map[string]bool{}
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		test := strings.HasSuffix(name, "_test.go")
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			switch {
			case !ok:
			case test && strings.HasPrefix(fd.Name.Name, "Example"):
				n := strings.TrimPrefix(fd.Name.Name, "Example")
				have[n] = true
				if i := strings.LastIndex(n, "_"); i > 0 && n[i+1] >= 'a' && n[i+1] <= 'z' {
					have[n[:i]] = true // a suffixed example: ExampleT_M_suffix
				}
			case test || !fd.Name.IsExported():
			case fd.Recv == nil:
				want[fd.Name.Name] = true
			default:
				typ := fd.Recv.List[0].Type
				if s, ok := typ.(*ast.StarExpr); ok {
					typ = s.X
				}
				if id, ok := typ.(*ast.Ident); ok && id.IsExported() {
					want[id.Name+"_"+fd.Name.Name] = true
				}
			}
		}
	}
	var missing []string
	for w := range want {
		if !have[w] {
			missing = append(missing, w)
		}
	}
	slices.Sort(missing)
	return missing
}
