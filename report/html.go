package report

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// histSVG draws h as an inline SVG bar chart with a red line at each
// threshold inside its range.
func histSVG(name string, h Histogram, thresholds ...float64) template.HTML {
	const W, H, pad = 320.0, 120.0, 16.0
	peak := 1
	total := 0
	for _, n := range h.Bins {
		peak = max(peak, n)
		total += n
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="hist" data-name="%s"><svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" role="img">`,
		template.HTMLEscapeString(name), W, H+pad, W, H+pad)
	bw := W / float64(len(h.Bins))
	for i, n := range h.Bins {
		bh := float64(n) / float64(peak) * (H - 4)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#4a78c2"><title>%d</title></rect>`,
			float64(i)*bw+0.5, H-bh, bw-1, bh, n)
	}
	x := func(v float64) float64 { return (v - h.Lo) / (h.Hi - h.Lo) * W }
	for _, t := range thresholds {
		if t < h.Lo || t > h.Hi {
			continue
		}
		fmt.Fprintf(&b, `<line class="threshold" x1="%.1f" x2="%.1f" y1="0" y2="%g" stroke="#d22" stroke-width="2" stroke-dasharray="4 2"/>`, x(t), x(t), H)
	}
	fmt.Fprintf(&b, `<text x="0" y="%g" font-size="11">%g</text><text x="%g" y="%g" font-size="11" text-anchor="end">%g</text></svg>`,
		H+pad-3, h.Lo, W, H+pad-3, h.Hi)
	fmt.Fprintf(&b, `<figcaption>%s (%d frames)</figcaption></figure>`, template.HTMLEscapeString(name), total)
	return template.HTML(b.String())
}

var pageTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": func(s []string, sep string) string { return strings.Join(s, sep) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{{.Title}}</title>
<style>
body{font:14px system-ui,sans-serif;margin:16px;color:#222;background:#fafafa}
h1{font-size:20px;margin:0 0 8px} h2{font-size:16px;margin:16px 0 6px}
#totals span{margin-right:16px} #totals b{font-size:18px}
#reasons button{margin:2px;padding:4px 8px;border:1px solid #aaa;border-radius:4px;background:#fff;cursor:pointer}
#reasons button.on{background:#4a78c2;color:#fff;border-color:#4a78c2}
.hists{display:flex;flex-wrap:wrap;gap:12px}.hist{margin:0;background:#fff;padding:6px;border:1px solid #ddd}
.hist figcaption{text-align:center}
#grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:8px}
.cell{margin:0;background:#fff;border:1px solid #ddd;padding:4px;font-size:12px;overflow-wrap:anywhere}
.cell img{width:100%;display:block}.cell .r{color:#b00}
.cell[hidden]{display:none}
#pager{margin:8px 0}
</style></head><body>
<h1>{{.Title}}</h1>
<p id="totals"><span>frames <b id="n-frames">{{.C.Frames}}</b></span><span>accepted <b id="n-accepted">{{.C.Accepted}}</b></span><span>rejected <b id="n-rejected">{{.C.Rejected}}</b></span><span>errors <b id="n-errors">{{.C.Errors}}</b></span></p>
<h2>Rejected frames by reason</h2>
<div id="reasons"><button data-reason="" class="on">all <span class="n">{{len .Cells}}</span></button>{{range .Reasons}}<button data-reason="{{.Code}}">{{.Code}} <span class="n">{{.N}}</span></button>{{end}}</div>
<h2>Measures of the target faces (dashed: the policy's thresholds)</h2>
<div class="hists">{{range .Hists}}{{.}}{{end}}</div>
<h2>Rejected frames <small>(<span id="shown">{{len .Cells}}</span> shown; at most {{.MaxThumbs}} thumbnails embedded)</small></h2>
<div id="pager"><button id="prev">&larr;</button> page <span id="pageno">1</span> of <span id="pages">1</span> <button id="next">&rarr;</button></div>
<div id="grid">{{range .Cells}}<figure class="cell" data-reasons="{{join .Reasons " "}}">{{if .Src}}<img alt="{{.File}}" src="{{.Src}}">{{end}}<figcaption><div class="f">{{.File}}{{if .Index}} #{{.Index}}{{end}}</div>{{range .Messages}}<div class="r">{{.}}</div>{{end}}</figcaption></figure>{{end}}</div>
<script>
(function(){
"use strict";
var size={{.PageSize}},page=0,filter="";
var cells=Array.prototype.slice.call(document.querySelectorAll("#grid .cell"));
var buttons=Array.prototype.slice.call(document.querySelectorAll("#reasons button"));
function matching(){return cells.filter(function(c){return filter===""||c.getAttribute("data-reasons").split(" ").indexOf(filter)>=0;});}
function show(){
  var m=matching(),pages=Math.max(1,Math.ceil(m.length/size));
  page=Math.min(Math.max(page,0),pages-1);
  cells.forEach(function(c){c.hidden=true;});
  m.slice(page*size,(page+1)*size).forEach(function(c){c.hidden=false;});
  document.getElementById("shown").textContent=String(m.length);
  document.getElementById("pageno").textContent=String(page+1);
  document.getElementById("pages").textContent=String(pages);
}
buttons.forEach(function(b){b.addEventListener("click",function(){
  filter=b.getAttribute("data-reason");page=0;
  buttons.forEach(function(x){x.classList.toggle("on",x===b);});show();});});
document.getElementById("prev").addEventListener("click",function(){page--;show();});
document.getElementById("next").addEventListener("click",function(){page++;show();});
show();
})();
</script>
</body></html>
`))
