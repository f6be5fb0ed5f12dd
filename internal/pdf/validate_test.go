package pdf

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/narvaro/narvaro/internal/narvaro"
)

func TestInvalidDocumentsAreRejectedBeforeWriting(t *testing.T) {
	meta := sampleMeta()
	tests := []struct {
		name  string
		doc   Document
		field string
	}{
		{"no document type", Document{Meta: Meta{Date: sampleDate}}, "meta.docType"},
		{"no date at all", Document{Meta: Meta{DocType: "Beslut"}}, "meta.createdAt"},
		{"negative version", Document{Meta: Meta{DocType: "Beslut", Date: sampleDate, Version: -1}}, "meta.version"},
		{"nil block", Document{Meta: meta, Blocks: []Block{Paragraph{}, nil}}, "blocks[1]"},
		{"nil block pointer", Document{Meta: meta, Blocks: []Block{(*Paragraph)(nil)}}, "blocks[0]"},
		{"table without columns", Document{Meta: meta, Blocks: []Block{Table{Rows: [][]string{{"a"}}}}}, "blocks[0].columns"},
		{"row wider than table", Document{Meta: meta, Blocks: []Block{Table{Columns: []Column{{Title: "A"}}, Rows: [][]string{{"a", "b"}}}}}, "blocks[0].rows[0]"},
		{"negative column width", Document{Meta: meta, Blocks: []Block{Table{Columns: []Column{{Title: "A", Width: -1}}}}}, "blocks[0].columns[0].width"},
		{"empty wheel", Document{Meta: meta, Blocks: []Block{Wheel{}}}, "blocks[0].domains"},
		{"unnamed domain", Document{Meta: meta, Blocks: []Block{Wheel{Domains: []WheelDomain{{Key: "safe"}}}}}, "blocks[0].domains[0].label"},
		{"chart without bars", Document{Meta: meta, Blocks: []Block{BarChart{}}}, "blocks[0].bars"},
		{"negative value", Document{Meta: meta, Blocks: []Block{BarChart{Bars: []Bar{{Label: "v. 1", Values: []float64{-2}}}}}}, "blocks[0].bars[0].values"},
		{"NaN value", Document{Meta: meta, Blocks: []Block{BarChart{Bars: []Bar{{Label: "v. 1", Values: []float64{math.NaN()}}}}}}, "blocks[0].bars[0].values"},
		{"more values than series", Document{Meta: meta, Blocks: []Block{BarChart{Series: []string{"A"}, Bars: []Bar{{Values: []float64{1, 2}}}}}}, "blocks[0].bars[0].values"},
		{"too many series", Document{Meta: meta, Blocks: []Block{BarChart{Series: []string{"A", "B", "C", "D", "E"}, Bars: []Bar{{}}}}}, "blocks[0].series"},
		{"bad appendix block", Document{Meta: meta, Appendix: []Block{Wheel{}}}, "appendix[0].domains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := RenderTo(&out, tt.doc)
			var e *narvaro.Error
			if !errors.As(err, &e) || e.Code != narvaro.CodeInvalid {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
			found := false
			for _, f := range e.Fields {
				found = found || f.Field == tt.field
				if f.Message.SV == "" || f.Message.EN == "" {
					t.Errorf("field %s lacks a Swedish or English message", f.Field)
				}
			}
			if !found {
				t.Errorf("fields %+v do not name %q", e.Fields, tt.field)
			}
			if out.Len() != 0 {
				t.Error("an invalid document wrote bytes")
			}
		})
	}
}
