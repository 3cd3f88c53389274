package validate

import (
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// SchemaJSON is the OASIS SARIF 2.1.0 JSON schema.
//
//go:embed schema/sarif-schema-2.1.0.json
var SchemaJSON []byte

const schemaURL = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

var (
	compileOnce    sync.Once
	compiledSchema *jsonschema.Schema
	compileErr     error
)

// schema returns the compiled SARIF schema, compiling it on first use.
func schema() (*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
		if err != nil {
			compileErr = fmt.Errorf("parsing the embedded SARIF schema: %w", err)
			return
		}
		if err := dropMisplacedAnyOf(doc); err != nil {
			compileErr = err
			return
		}
		c := jsonschema.NewCompiler()
		// The schema declares draft 2020-12, where formats are only
		// annotations; the upload-sarif action checks them, so do the same.
		c.AssertFormat()
		if err := c.AddResource(schemaURL, doc); err != nil {
			compileErr = fmt.Errorf("loading the embedded SARIF schema: %w", err)
			return
		}
		compiledSchema, compileErr = c.Compile(schemaURL)
	})
	return compiledSchema, compileErr
}

// dropMisplacedAnyOf removes definitions.region.properties.anyOf from the
// schema document. Both the published schema and the copy in the
// upload-sarif action's source (src/sarif-schema-2.1.0.json) put region's
// "startLine, charOffset or byteOffset required" anyOf inside
// "properties". There it declares a property named anyOf with an array as
// its schema, which draft 2020-12 forbids, so the compiler would reject the
// whole schema.
//
// NOTE: so Validate does not require a region to have a startLine,
// charOffset or byteOffset. How the action's own validator treats the
// misplaced anyOf was not checked.
func dropMisplacedAnyOf(doc any) error {
	root, _ := doc.(map[string]any)
	defs, _ := root["definitions"].(map[string]any)
	region, _ := defs["region"].(map[string]any)
	props, ok := region["properties"].(map[string]any)
	if !ok {
		return fmt.Errorf("embedded SARIF schema has no definitions.region.properties")
	}
	delete(props, "anyOf")
	return nil
}

var printer = message.NewPrinter(language.English)

// checkSchema validates doc against the SARIF 2.1.0 schema and records one
// problem per failing leaf of the validation error tree.
func (c *checker) checkSchema(doc any) {
	sch, err := schema()
	if err != nil {
		// The schema is embedded and compiled in tests, so this is a
		// programming error; report it rather than pass the file.
		c.add(Error, nil, "schema not checked: %v", err)
		return
	}

	err = sch.Validate(doc)
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		if err != nil {
			c.add(Error, nil, "schema not checked: %v", err)
		}
		return
	}
	for _, leaf := range leaves(verr, nil) {
		c.addSchemaProblem(doc, leaf)
	}
}

// leaves returns the errors of the tree that have no causes: the specific
// failures rather than "validation failed" summaries.
func leaves(e *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return append(out, e)
	}
	for _, cause := range e.Causes {
		out = leaves(cause, out)
	}
	return out
}

func (c *checker) addSchemaProblem(doc any, e *jsonschema.ValidationError) {
	tokens := instanceTokens(doc, e.InstanceLocation)
	detail := e.ErrorKind.LocalizedString(printer)

	sev := Error
	msg := fmt.Sprintf("does not match the SARIF 2.1.0 schema: %s; the upload-sarif action rejects the file", detail)
	if f, ok := e.ErrorKind.(*kind.Format); ok && (f.Want == "uri" || f.Want == "uri-reference") {
		sev = Warning
		msg = fmt.Sprintf("invalid URI for the SARIF 2.1.0 schema: %s; the upload-sarif action only warns about URI formats", detail)
	}
	c.schema = append(c.schema, Problem{Path: formatPath(tokens), Severity: sev, Message: msg, tokens: tokens})
}

// instanceTokens turns the schema library's JSON pointer tokens into path
// tokens, reading doc to tell array indexes from object keys that look like
// numbers.
func instanceTokens(doc any, location []string) []token {
	tokens := make([]token, 0, len(location))
	v := doc
	for _, s := range location {
		switch x := v.(type) {
		case []any:
			i, err := strconv.Atoi(s)
			if err == nil && i >= 0 && i < len(x) {
				tokens = append(tokens, indexToken(i))
				v = x[i]
				continue
			}
		case map[string]any:
			v = x[s]
		default:
			v = nil
		}
		tokens = append(tokens, keyToken(s))
	}
	return tokens
}
