package main

import (
	"os"
	"path/filepath"
	"slices"
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
