// Command surface writes the shared public surface of every partner
// package from one template: the error model, Amount, Secret, the options,
// the retry policy and the client's safe printing in <partner>/surface.go
// (with examples in surface_example_test.go), and the fault kit in
// <partner>/<partner>test/faults.go. The types are aliases of the internal
// ones, and their doc comments list the fields and methods read from the
// internal source, so `go doc ./citrus Error` shows them.
//
// Run it from the module root (go generate ./... does):
//
//	go run ./internal/gen/surface
//
// surface_test.go fails when a partner's copy is stale or missing.
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
)

// Partner is one partner package the surface is written for.
type Partner struct {
	Pkg    string // package name and directory, e.g. "citrus"
	System string // the partner system as its docs name it, e.g. "IPS"
}

// Partners lists every partner package. A partner directory at the module
// root that is missing here fails surface_test.go.
var Partners = []Partner{
	{Pkg: "citrus", System: "IPS"},
	{Pkg: "accela", System: "Accela"},
	{Pkg: "oraclepsc", System: "Oracle"},
	{Pkg: "polaris", System: "Polaris"},
	{Pkg: "crmcom", System: "CRM.COM"},
}

func main() {
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "surface:", err)
		os.Exit(1)
	}
	files, err := Render(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "surface:", err)
		os.Exit(1)
	}
	for path, src := range files {
		if err := os.WriteFile(filepath.Join(root, path), src, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "surface:", err)
			os.Exit(1)
		}
	}
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Render returns every generated file, by path relative to root.
func Render(root string) (map[string][]byte, error) {
	docs, err := readDocs(root)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, p := range Partners {
		data := struct {
			Partner
			Docs docSet
		}{p, docs}
		for path, tmpl := range map[string]*template.Template{
			filepath.Join(p.Pkg, "surface.go"):              surfaceTmpl,
			filepath.Join(p.Pkg, "surface_example_test.go"): exampleTmpl,
			filepath.Join(p.Pkg, p.Pkg+"test", "faults.go"): faultsTmpl,
		} {
			var b bytes.Buffer
			if err := tmpl.Execute(&b, data); err != nil {
				return nil, err
			}
			src, err := format.Source(b.Bytes())
			if err != nil {
				return nil, fmt.Errorf("%s: %w\n%s", path, err, b.Bytes())
			}
			out[path] = src
		}
	}
	return out, nil
}

// docSet holds, per internal type, its fields and methods as doc lines.
type docSet map[string]*typeDoc

type typeDoc struct {
	Fields  []string
	Methods []string
}

// List renders a type's fields or methods as an indented block for a doc
// comment.
func (d docSet) List(typ, what string) string {
	td := d[typ]
	if td == nil {
		panic("surface: no docs for " + typ)
	}
	lines := td.Fields
	if what == "methods" {
		lines = td.Methods
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("//\t" + l + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// readDocs reads the field and method docs of the internal types the
// surface aliases.
func readDocs(root string) (docSet, error) {
	wanted := map[string][]string{
		"internal/transport": {"Error", "FieldError", "RetryPolicy", "Attempt"},
		"internal/money":     {"Amount"},
		"internal/redact":    {"Secret"},
		"internal/fake":      {"Fault"},
	}
	docs := docSet{}
	for dir, types := range wanted {
		files, err := parseDir(filepath.Join(root, dir))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			collect(f.fset, f.file, types, docs)
		}
		for _, t := range types {
			if docs[t] == nil {
				return nil, fmt.Errorf("%s: type %s not found", dir, t)
			}
		}
	}
	return docs, nil
}

// parsedFile is one parsed Go file.
type parsedFile struct {
	fset *token.FileSet
	file *ast.File
}

// parseDir parses dir's non-test Go files, in name order, with comments.
func parseDir(dir string) ([]parsedFile, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	fset := token.NewFileSet()
	var out []parsedFile
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		out = append(out, parsedFile{fset, f})
	}
	return out, nil
}

func collect(fset *token.FileSet, f *ast.File, types []string, docs docSet) {
	get := func(name string) *typeDoc {
		if docs[name] == nil {
			docs[name] = &typeDoc{}
		}
		return docs[name]
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok || !slices.Contains(types, ts.Name.Name) {
					continue
				}
				td := get(ts.Name.Name)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, fl := range st.Fields.List {
					text := firstSentence(fl.Doc.Text() + " " + fl.Comment.Text())
					for _, n := range fl.Names {
						if n.IsExported() {
							td.Fields = append(td.Fields, fmt.Sprintf("%-12s %-14s %s", n.Name, expr(fset, fl.Type), text))
						}
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || !d.Name.IsExported() {
				continue
			}
			recv := expr(fset, d.Recv.List[0].Type)
			recv = strings.TrimPrefix(recv, "*")
			if !slices.Contains(types, recv) {
				continue
			}
			sig := strings.TrimPrefix(expr(fset, d.Type), "func")
			get(recv).Methods = append(get(recv).Methods, fmt.Sprintf("%s%s: %s", d.Name.Name, sig, firstSentence(d.Doc.Text())))
		}
	}
}

func expr(fset *token.FileSet, e ast.Expr) string {
	var b bytes.Buffer
	_ = printer.Fprint(&b, fset, e)
	return b.String()
}

// firstSentence squeezes a comment to its first sentence on one line.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != ' ' || s[i+2] < 'A' || s[i+2] > 'Z' {
			continue
		}
		if word := s[strings.LastIndexByte(s[:i], ' ')+1 : i]; word != "e.g" && word != "i.e" {
			return s[:i+1]
		}
	}
	return s
}
