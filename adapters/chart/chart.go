// Package chart draws report charts as PNG pictures (core.ChartRenderer)
// with gonum.org/v1/plot: grouped bars or lines over categories, a title,
// a legend beside the plot, the categories under the X axis (slanted
// when they do not fit), numbers with thousands separators and the ruble
// sign for money.
//
// Every text is set in DejaVu Sans, from the renderer's own font cache:
// gonum's default font, Liberation, has Cyrillic but no ₽, which it
// would draw as nothing.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/dealdesk/dealdesk/core"
)

// The picture's size in pixels.
const (
	Width  = 800
	Height = 450
	dpi    = 96
)

// Typeface is the name the DejaVu faces are registered under.
const Typeface font.Typeface = "DejaVu"

// maxLabel is how many characters of a category are shown.
const maxLabel = 28

// palette are the series' colours (Tableau 10: distinct, also for the
// colour-blind, and in grey print).
var palette = []color.RGBA{
	{0x4E, 0x79, 0xA7, 0xFF}, {0xF2, 0x8E, 0x2B, 0xFF}, {0xE1, 0x57, 0x59, 0xFF}, {0x76, 0xB7, 0xB2, 0xFF},
	{0x59, 0xA1, 0x4F, 0xFF}, {0xED, 0xC9, 0x48, 0xFF}, {0xB0, 0x7A, 0xA1, 0xFF}, {0xFF, 0x9D, 0xA7, 0xFF},
	{0x9C, 0x75, 0x5F, 0xFF}, {0xBA, 0xB0, 0xAC, 0xFF},
}

// Fonts is the font cache every text of a chart is drawn from: DejaVu
// Sans, regular and bold, the default typeface of the cache.
var Fonts = sync.OnceValues(func() (*font.Cache, error) {
	var coll font.Collection
	for _, f := range []struct {
		ttf    []byte
		weight xfont.Weight
	}{{dejavusans.TTF, xfont.WeightNormal}, {dejavusansbold.TTF, xfont.WeightBold}} {
		face, err := opentype.Parse(f.ttf)
		if err != nil {
			return nil, fmt.Errorf("chart: DejaVu: %w", err)
		}
		coll = append(coll, font.Face{Font: font.Font{Typeface: Typeface, Weight: f.weight}, Face: face})
	}
	return font.NewCache(coll), nil
})

// Renderer is the core.ChartRenderer.
type Renderer struct{}

// New returns a renderer; it fails only if the embedded fonts do not
// parse.
func New() (Renderer, error) {
	_, err := Fonts()
	return Renderer{}, err
}

// RenderPNG draws c as a PNG picture of 800×450 pixels.
func (Renderer) RenderPNG(c core.Chart) ([]byte, error) {
	if err := check(c); err != nil {
		return nil, err
	}
	fonts, err := Fonts()
	if err != nil {
		return nil, err
	}
	cv := vgimg.NewWith(vgimg.UseWH(pixels(Width), pixels(Height)), vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White))
	dc := draw.New(cv)
	if err := draw1(dc, c, fonts); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// pixels is a length of n pixels at the picture's resolution.
func pixels(n int) vg.Length { return vg.Length(n) * vg.Inch / dpi }

func check(c core.Chart) error {
	if c.Kind != core.ChartBar && c.Kind != core.ChartLine {
		return fmt.Errorf("chart: unknown kind %q", c.Kind)
	}
	if len(c.Categories) == 0 || len(c.Series) == 0 {
		return errors.New("chart: no categories or no series")
	}
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return fmt.Errorf("chart: series %q has %d values for %d categories", s.Name, len(s.Values), len(c.Categories))
		}
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("chart: series %q has %v", s.Name, v)
			}
		}
	}
	return nil
}

// draw1 draws the chart on dc: the plot, and the legend to its right.
func draw1(dc draw.Canvas, c core.Chart, fonts *font.Cache) error {
	p := build(c, fonts)
	legend := plot.NewLegend()
	legend.TextStyle = style(fonts, 11, false)
	legend.Top = true
	legend.Padding = vg.Points(3)
	items, err := add(p, c, dataWidth(dc, c, fonts))
	if err != nil {
		return err
	}
	if len(c.Series) > 1 || c.Series[0].Name != "" {
		for i, s := range c.Series {
			legend.Add(cut(s.Name, maxLabel), items[i])
		}
	}
	area := dc
	if lw := legendWidth(legend, dc); lw > 0 {
		pad := vg.Points(8)
		area = draw.Crop(dc, 0, -(lw + 2*pad), 0, 0)
		// The legend's top is level with the plot's data, under the title.
		top := p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding + pad
		legend.Draw(draw.Crop(dc, dc.Max.X-dc.Min.X-lw-pad, -pad, 0, -top))
	}
	rotateLabels(p, c.Categories, area)
	p.Draw(area)
	return nil
}

// build makes the plot: title, axes, fonts, the money or number ticks.
func build(c core.Chart, fonts *font.Cache) *plot.Plot {
	p := plot.New()
	p.TextHandler = text.Plain{Fonts: fonts}
	p.Title.Text = c.Title
	p.Title.Padding = vg.Points(8)
	setFont(&p.Title.TextStyle, fonts, 14, true)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		setFont(&a.Label.TextStyle, fonts, 11, false)
		setFont(&a.Tick.Label, fonts, 10, false)
	}
	setFont(&p.Legend.TextStyle, fonts, 11, false)
	p.Y.Label.Text = c.YLabel
	p.Y.Tick.Marker = numberTicks{money: c.Money, integers: !c.Money && integers(c)}
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	p.Add(grid)
	labels := make([]string, len(c.Categories))
	for i, s := range c.Categories {
		labels[i] = cut(s, maxLabel)
	}
	p.NominalX(labels...)
	return p
}

// setFont sets a text style in DejaVu at size points, keeping its
// alignment and rotation.
func setFont(s *text.Style, fonts *font.Cache, size float64, bold bool) {
	*s = withFont(*s, fonts, size, bold)
}

// style is a text style of DejaVu at size points.
func style(fonts *font.Cache, size float64, bold bool) text.Style {
	return withFont(text.Style{Color: color.Black}, fonts, size, bold)
}

func withFont(s text.Style, fonts *font.Cache, size float64, bold bool) text.Style {
	s.Font = font.Font{Typeface: Typeface, Size: vg.Points(size)}
	if bold {
		s.Font.Weight = xfont.WeightBold
	}
	s.Handler = text.Plain{Fonts: fonts}
	return s
}

// dataWidth estimates the width of the plot's data area: the picture
// less the Y axis, the legend and margins.
func dataWidth(dc draw.Canvas, c core.Chart, fonts *font.Cache) vg.Length {
	w := dc.Max.X - dc.Min.X - vg.Points(90)
	if len(c.Series) > 1 {
		st := style(fonts, 11, false)
		widest := vg.Length(0)
		for _, s := range c.Series {
			widest = max(widest, st.Width(cut(s.Name, maxLabel)))
		}
		w -= widest + vg.Points(40)
	}
	return max(w, vg.Points(100))
}

// add adds the series as grouped bars or as lines with points; it
// returns what the legend shows for each.
func add(p *plot.Plot, c core.Chart, width vg.Length) ([]plot.Thumbnailer, error) {
	n := len(c.Series)
	items := make([]plot.Thumbnailer, n)
	if c.Kind == core.ChartLine {
		for i, s := range c.Series {
			pts := make(plotter.XYs, len(s.Values))
			for j, v := range s.Values {
				pts[j] = plotter.XY{X: float64(j), Y: v}
			}
			line, points, err := plotter.NewLinePoints(pts)
			if err != nil {
				return nil, fmt.Errorf("chart: %w", err)
			}
			col := palette[i%len(palette)]
			line.Color, line.Width = col, vg.Points(2)
			points.Color, points.Shape, points.Radius = col, draw.CircleGlyph{}, vg.Points(3)
			p.Add(line, points)
			items[i] = line
		}
	} else {
		// A group takes 80% of a category's width, its bars side by side.
		bar := width / vg.Length(len(c.Categories)) * 0.8 / vg.Length(n)
		bar = max(min(bar, vg.Points(40)), vg.Points(1))
		for i, s := range c.Series {
			b, err := plotter.NewBarChart(plotter.Values(s.Values), bar)
			if err != nil {
				return nil, fmt.Errorf("chart: %w", err)
			}
			b.Color = palette[i%len(palette)]
			b.LineStyle.Width = 0
			b.Offset = bar * (vg.Length(i) - vg.Length(n-1)/2)
			p.Add(b)
			items[i] = b
		}
	}
	// Each category has an equal share of the X axis, its mark in the
	// middle.
	p.X.Min, p.X.Max = -0.5, float64(len(c.Categories))-0.5
	// Bars and lines start from zero, with room above the highest value.
	lo, hi := 0.0, 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	p.Y.Min, p.Y.Max = lo, hi+(hi-lo)*0.05
	if lo < 0 {
		p.Y.Min = lo - (hi-lo)*0.05
	}
	return items, nil
}

// legendWidth is the legend's width, 0 when it has no entries.
func legendWidth(l plot.Legend, dc draw.Canvas) vg.Length {
	r := l.Rectangle(dc)
	return r.Max.X - r.Min.X
}

// rotateLabels slants the categories by 30° when the widest does not fit
// its share of the X axis, in area, the plot's part of the picture, and
// writes only every second, third… when even slanted they would overlap. The
// Y axis then moves only as far right as the first category needs to
// stay in the picture (NominalX kept half its width free).
func rotateLabels(p *plot.Plot, labels []string, area draw.Canvas) {
	data := p.DataCanvas(area)
	share := (data.Max.X - data.Min.X) / vg.Length(len(labels))
	fits := true
	for _, l := range labels {
		if p.X.Tick.Label.Width(cut(l, maxLabel)) > share*0.95 {
			fits = false
			break
		}
	}
	if fits {
		return
	}
	const slant = math.Pi / 6
	p.X.Tick.Label.Rotation = slant
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	first := cut(labels[0], maxLabel)
	reach := p.X.Tick.Label.Width(first)*vg.Length(math.Cos(slant)) + p.X.Tick.Label.Height(first)*vg.Length(math.Sin(slant))
	p.Y.Padding = 0
	left := p.DataCanvas(area).Min.X - area.Min.X // the Y axis's width
	p.Y.Padding = max(0, reach-left-share/2+vg.Points(4))
	// Slanted labels are share·sin(slant) apart across their lines; closer
	// than a line's height they run into each other (a year's 52 weeks), so
	// only every step-th is written, the first among them.
	if step := labelStep(share, p.X.Tick.Label.Height(first), slant); step > 1 {
		ticks := make([]plot.Tick, len(labels))
		for i, l := range labels {
			ticks[i].Value = float64(i)
			if i%step == 0 {
				ticks[i].Label = cut(l, maxLabel)
			}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
	}
}

// labelStep is every how many categories a label is written when labels
// slanted by slant radians, share apart along the axis, are height high:
// 1 when they all fit.
func labelStep(share, height vg.Length, slant float64) int {
	gap := float64(share) * math.Sin(slant)
	need := float64(height) * 1.2
	if gap <= 0 || gap >= need {
		return 1
	}
	return int(math.Ceil(need / gap))
}

// cut shortens s to n characters with an ellipsis.
func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// numberTicks are gonum's default ticks, labelled with thousands
// separators ("1 500 000") and for money the ruble sign ("1 500 000 ₽").
// For counts (integers) no mark falls between whole numbers: up to ten
// every number is marked, above that the default marks between whole
// numbers lose their labels.
type numberTicks struct{ money, integers bool }

func (t numberTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	if t.integers && hi-lo <= 10 {
		for v := math.Ceil(lo); v <= hi; v++ {
			ticks = append(ticks, plot.Tick{Value: v, Label: "x"})
		}
	} else {
		ticks = plot.DefaultTicks{}.Ticks(lo, hi)
	}
	for i := range ticks {
		switch {
		case ticks[i].Label == "":
		case t.integers && ticks[i].Value != math.Trunc(ticks[i].Value):
			ticks[i].Label = ""
		default:
			ticks[i].Label = Number(ticks[i].Value)
			if t.money {
				ticks[i].Label += " ₽"
			}
		}
	}
	return ticks
}

// integers reports whether every value of the chart is whole.
func integers(c core.Chart) bool {
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v != math.Trunc(v) {
				return false
			}
		}
	}
	return true
}

// Number formats a value as Russian readers write it: groups of three
// digits apart ("1 234 567"), a decimal comma, at most two decimals, no
// trailing zeros.
func Number(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if v < 0 && (whole != "0" || frac != "") {
		b.WriteString("−")
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u00A0')
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}
