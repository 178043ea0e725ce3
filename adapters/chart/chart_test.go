package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/dealdesk/dealdesk/core"
)

var _ core.ChartRenderer = Renderer{}

var pipeline = core.Chart{
	Kind:       core.ChartBar,
	Title:      "Воронка по стадиям: сумма сделок, ₽",
	Categories: []string{"Новая", "Проверка", "Документы", "Согласование", "Подписание", "Действует"},
	Series: []core.ChartSeries{
		{Name: "Иванова Мария", Values: []float64{1500000, 2300000.5, 800000, 0, 1200000, 9800000}},
		{Name: "Петров Сергей", Values: []float64{700000, 0, 3100000, 450000, 2000000, 5000000}},
	},
	YLabel: "Сумма, ₽",
	Money:  true,
}

var overdue = core.Chart{
	Kind:       core.ChartLine,
	Title:      "Просроченные задачи по неделям",
	Categories: []string{"01.12", "08.12", "15.12", "22.12", "29.12"},
	Series:     []core.ChartSeries{{Name: "Просрочено", Values: []float64{3, 5, 2, 0, 1}}},
	YLabel:     "Задач",
}

func render(t *testing.T, c core.Chart) image.Image {
	t.Helper()
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.RenderPNG(c)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("CHART_OUT"); dir != "" { // to look at them
		_ = os.WriteFile(dir+"/"+strings.ReplaceAll(t.Name(), "/", "_")+".png", b, 0o644)
	}
	return img
}

func TestRenderPNG(t *testing.T) {
	long := pipeline
	long.Categories = []string{"ООО «Ромашка и партнёры»", "АО «Берёзовая роща Северо-Запад»", "ИП Иванов Иван Иванович",
		"ООО «Тестовая компания с очень длинным названием для проверки»", "ПАО «Банк»", "ООО «Ё»"}
	single := pipeline
	single.Series = []core.ChartSeries{{Values: pipeline.Series[0].Values}}
	negative := overdue
	negative.Series = []core.ChartSeries{{Name: "Изменение", Values: []float64{-3, 5, -2, 0, 1}}, {Name: "Нули", Values: make([]float64, 5)}}
	zeros := pipeline
	zeros.Series = []core.ChartSeries{{Name: "Нет данных", Values: make([]float64, 6)}}
	many := overdue
	many.Kind = core.ChartBar
	for i := range 12 {
		many.Series = append(many.Series, core.ChartSeries{Name: strings.Repeat("Менеджер ", 1+i%3) + string(rune('А'+i)), Values: []float64{float64(i), 1, 2, 3, 4}})
	}
	for name, c := range map[string]core.Chart{"bars": pipeline, "line": overdue, "long labels": long,
		"one unnamed series": single, "negative": negative, "all zero": zeros, "many series": many} {
		t.Run(name, func(t *testing.T) {
			img := render(t, c)
			if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
				t.Errorf("size %v, want %dx%d", b, Width, Height)
			}
			// Something is drawn in each series' colour.
			for i := range c.Series {
				if i < len(palette) && !hasColour(img, palette[i]) && hasNonZero(c.Series[i].Values) {
					t.Errorf("series %d (%s) is not drawn", i, c.Series[i].Name)
				}
			}
		})
	}
}

func hasNonZero(vs []float64) bool {
	for _, v := range vs {
		if v != 0 {
			return true
		}
	}
	return false
}

func hasColour(img image.Image, want color.RGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == want.R && uint8(g>>8) == want.G && uint8(bl>>8) == want.B {
				return true
			}
		}
	}
	return false
}

func TestBadCharts(t *testing.T) {
	for name, c := range map[string]core.Chart{
		"no kind":         {Categories: []string{"a"}, Series: []core.ChartSeries{{Values: []float64{1}}}},
		"no categories":   {Kind: core.ChartBar, Series: []core.ChartSeries{{Values: nil}}},
		"no series":       {Kind: core.ChartBar, Categories: []string{"a"}},
		"short series":    {Kind: core.ChartLine, Categories: []string{"a", "b"}, Series: []core.ChartSeries{{Values: []float64{1}}}},
		"not a number":    {Kind: core.ChartBar, Categories: []string{"a"}, Series: []core.ChartSeries{{Values: []float64{nan()}}}},
		"infinite amount": {Kind: core.ChartBar, Categories: []string{"a"}, Series: []core.ChartSeries{{Values: []float64{inf()}}}},
	} {
		if _, err := (Renderer{}).RenderPNG(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func nan() float64 { z := 0.0; return z / z }
func inf() float64 { z := 0.0; return 1 / z }

// The registered font has ₽ and Cyrillic, unlike gonum's default.
func TestFontHasRuble(t *testing.T) {
	fonts, err := Fonts()
	if err != nil {
		t.Fatal(err)
	}
	for _, bold := range []bool{false, true} {
		st := style(fonts, 12, bold)
		face := fonts.Lookup(st.Font, st.Font.Size)
		if face.Face == nil {
			t.Fatalf("bold %v: no face", bold)
		}
		for _, r := range "₽ЖжЁё№" {
			if idx := glyph(t, face.Face, r); idx == 0 {
				t.Errorf("bold %v: no glyph for %q", bold, r)
			}
		}
	}
	// gonum's own default drops ₽: what the registration is for.
	def := plot.New().Title.TextStyle
	if idx := glyph(t, def.Handler.Cache().Lookup(def.Font, def.Font.Size).Face, '₽'); idx != 0 {
		t.Logf("gonum's default font has ₽ now (glyph %d)", idx)
	}
}

func glyph(t *testing.T, f interface {
	GlyphIndex(*sfnt.Buffer, rune) (sfnt.GlyphIndex, error)
}, r rune) sfnt.GlyphIndex {
	t.Helper()
	var buf sfnt.Buffer
	idx, err := f.GlyphIndex(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// Every text of a chart's plot is set in DejaVu: the title, both axes'
// labels and ticks, the legend.
func TestEveryTextInDejaVu(t *testing.T) {
	fonts, _ := Fonts()
	p := build(pipeline, fonts)
	for name, st := range map[string]text.Style{
		"title": p.Title.TextStyle, "x label": p.X.Label.TextStyle, "x ticks": p.X.Tick.Label,
		"y label": p.Y.Label.TextStyle, "y ticks": p.Y.Tick.Label, "legend": p.Legend.TextStyle,
		"side legend": style(fonts, 11, false),
	} {
		face := st.Handler.Cache().Lookup(st.Font, st.Font.Size)
		if st.Font.Typeface != Typeface || face.Face == nil || glyph(t, face.Face, '₽') == 0 {
			t.Errorf("%s: %+v has no ₽", name, st.Font)
		}
	}
}

// A ₽ drawn in the charts' style leaves ink; gonum's default leaves none.
func TestRubleLeavesInk(t *testing.T) {
	fonts, _ := Fonts()
	ink := func(st text.Style) int {
		cv := vgimg.NewWith(vgimg.UseWH(vg.Points(40), vg.Points(40)), vgimg.UseDPI(96))
		dc := draw.New(cv)
		st.Font.Size = vg.Points(24)
		dc.FillText(st, vg.Point{X: vg.Points(20), Y: vg.Points(20)}, "₽")
		n := 0
		img := cv.Image()
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
					n++
				}
			}
		}
		return n
	}
	if n := ink(style(fonts, 24, false)); n < 20 {
		t.Errorf("₽ in DejaVu: %d dark pixels", n)
	}
	if n := ink(plot.New().Title.TextStyle); n != 0 {
		t.Logf("₽ in gonum's default: %d dark pixels", n)
	}
}

func TestNumber(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 5: "5", 999: "999", 1000: "1\u00A0000", 1234567: "1\u00A0234\u00A0567", 1500000.5: "1\u00A0500\u00A0000,5",
		0.25: "0,25", -2500: "−2\u00A0500", -0.001: "0", 100000000: "100\u00A0000\u00A0000",
	} {
		if got := Number(v); got != want {
			t.Errorf("Number(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestMoneyTicks(t *testing.T) {
	ticks := numberTicks{money: true}.Ticks(0, 10_000_000)
	labelled := 0
	for _, tk := range ticks {
		if tk.Label == "" {
			continue
		}
		labelled++
		if !strings.HasSuffix(tk.Label, " ₽") || tk.Label != Number(tk.Value)+" ₽" {
			t.Errorf("tick %v labelled %q", tk.Value, tk.Label)
		}
	}
	if labelled < 2 {
		t.Errorf("ticks: %+v", ticks)
	}
	for _, tk := range (numberTicks{}).Ticks(0, 12) {
		if strings.Contains(tk.Label, "₽") {
			t.Errorf("a count tick labelled %q", tk.Label)
		}
	}
}

// Counts are marked at whole numbers only.
func TestCountTicks(t *testing.T) {
	for _, r := range [][2]float64{{0, 5.25}, {0, 1.05}, {-3, 5.4}, {0, 10}, {0, 37}, {0, 12345}} {
		labels := map[string]bool{}
		for _, tk := range (numberTicks{integers: true}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			if tk.Value != float64(int(tk.Value)) || tk.Label != Number(tk.Value) {
				t.Errorf("%v: tick %v labelled %q", r, tk.Value, tk.Label)
			}
			labels[tk.Label] = true
		}
		if len(labels) < 2 {
			t.Errorf("%v: labels %v", r, labels)
		}
	}
	if !integers(overdue) || integers(pipeline) {
		t.Error("integers() is wrong")
	}
	// The default marks 0, 2.5 and 5: 2.5 goes.
	fonts, _ := Fonts()
	p := build(overdue, fonts)
	for _, tk := range p.Y.Tick.Marker.Ticks(0, 5.25) {
		if tk.Label == "2,5" {
			t.Error("a count axis marks 2,5")
		}
	}
}

// Categories that do not fit side by side are slanted; short ones are not.
func TestRotateLabels(t *testing.T) {
	fonts, _ := Fonts()
	cv := vgimg.NewWith(vgimg.UseWH(pixels(Width), pixels(Height)), vgimg.UseDPI(dpi))
	for _, tc := range []struct {
		labels []string
		slant  bool
	}{
		{[]string{"Янв", "Фев", "Мар"}, false},
		{pipeline.Categories, false},
		{[]string{"ООО «Ромашка и партнёры»", "АО «Берёзовая роща»", "ИП Иванов Иван Иванович", "ПАО «Банк»",
			"ООО «Север»", "ООО «Юг»", "ООО «Запад»"}, true},
	} {
		c := overdue
		c.Categories = tc.labels
		c.Series = []core.ChartSeries{{Values: make([]float64, len(tc.labels))}}
		p := build(c, fonts)
		rotateLabels(p, tc.labels, draw.New(cv))
		if got := p.X.Tick.Label.Rotation != 0; got != tc.slant {
			t.Errorf("%q: slanted %v, want %v", tc.labels, got, tc.slant)
		}
	}
}

func TestCut(t *testing.T) {
	for in, want := range map[string]string{
		"Новая": "Новая", "  два   слова ": "два слова", strings.Repeat("Ж", 28): strings.Repeat("Ж", 28),
		strings.Repeat("Ж", 29): strings.Repeat("Ж", 27) + "…",
	} {
		if got := cut(in, maxLabel); got != want {
			t.Errorf("cut(%q) = %q, want %q", in, got, want)
		}
	}
}

// Renderers share the font cache: charts may be drawn at the same time.
func TestConcurrentRenders(t *testing.T) {
	r, _ := New()
	want, err := r.RenderPNG(pipeline)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := r.RenderPNG(pipeline)
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("a different picture")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// A year's weekly trend (review A14): slanted labels that would run into
// each other are thinned to every n-th, the first kept; a few weeks keep
// every label.
func TestThinLabels(t *testing.T) {
	fonts, _ := Fonts()
	cv := vgimg.NewWith(vgimg.UseWH(pixels(Width), pixels(Height)), vgimg.UseDPI(dpi))
	weeks := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("%02d.%02d.26", 1+i%28, 1+i/4%12))
		}
		return out
	}
	for _, tc := range []struct {
		n       int
		thinned bool
	}{{8, false}, {48, true}, {106, true}} {
		labels := weeks(tc.n)
		c := overdue
		c.Categories = labels
		c.Series = []core.ChartSeries{{Values: make([]float64, len(labels))}}
		p := build(c, fonts)
		rotateLabels(p, labels, draw.New(cv))
		ticks := p.X.Tick.Marker.Ticks(0, float64(tc.n))
		written := 0
		for _, tk := range ticks {
			if tk.Label != "" {
				written++
			}
		}
		if len(ticks) != tc.n || ticks[0].Label != labels[0] {
			t.Errorf("%d weeks: %d ticks, the first %q", tc.n, len(ticks), ticks[0].Label)
		}
		if got := written < tc.n; got != tc.thinned {
			t.Errorf("%d weeks: %d labels written, thinned %v, want %v", tc.n, written, got, tc.thinned)
		}
		// What is written does not overlap: the labels' gap across their
		// lines is at least a line's height.
		if tc.thinned {
			data := p.DataCanvas(draw.New(cv))
			share := (data.Max.X - data.Min.X) / vg.Length(tc.n) * vg.Length(tc.n/written)
			if gap := float64(share) * 0.5; gap < float64(p.X.Tick.Label.Height(labels[0])) {
				t.Errorf("%d weeks: labels %v apart, %v high", tc.n, gap, p.X.Tick.Label.Height(labels[0]))
			}
		}
		if img := render(t, c); img == nil {
			t.Fatalf("%d weeks: no picture", tc.n)
		}
	}
}
