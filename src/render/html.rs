//! The self-contained summary page (`index.html`), the last step of `fazhi run`.
//!
//! One file: the template (`templates/report.html`), inline CSS, inline SVG charts and a few
//! lines of inline script that make tables sortable. Nothing is fetched: a
//! Content-Security-Policy meta tag allows no network source at all, and admits the style and
//! script blocks only by their SHA-256 hashes, computed here at render time. Every piece of
//! report text goes through [`escape::html`](super::escape::html); the SVG comes from plotters,
//! whose backend escapes text (tested in `tests/page.rs`). Every figure links to a footnote with
//! its source file and sentence, and carries both in a `title` for hover. The page reads fully
//! with script off and prints on A4. Output is deterministic: no clock, stable orders.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use super::chart::data::{year_span, CountyKey, Grid, SeriesKey};
use super::chart::{scope_label, unit_label, value_label, Chart, ChartKind};
use super::escape::html;
use super::findings::key_findings;
use super::Lang;
use crate::analysis::{Analysis, Severity};
use crate::dict::IndicatorDict;
use crate::extract::{format_value, Fact};
use crate::ingest::{InputRecord, InputStatus};

const TEMPLATE: &str = include_str!("templates/report.html");
const STYLE: &str = include_str!("templates/page.css");
const SCRIPT: &str = include_str!("templates/sort.js");

/// What the page shows.
pub struct PageContext<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The indicator dictionary (names, units).
    pub dict: &'a IndicatorDict,
    /// Every input with its status.
    pub inputs: &'a [InputRecord],
    /// Rendered charts.
    pub charts: &'a [Chart],
    /// Label language.
    pub lang: Lang,
}

/// Renders the page.
pub fn render_page(ctx: &PageContext<'_>) -> Vec<u8> {
    let l = ctx.lang;
    let grid = Grid::build(ctx.analysis, ctx.dict);
    let mut page = Page {
        ctx,
        grid,
        sources: Sources::default(),
        out: String::new(),
    };
    page.header();
    page.findings();
    page.indicators();
    page.counties();
    page.rates();
    page.quality();
    page.coverage();
    page.methodology();
    page.source_list();
    let title = l.pick(
        "法治政府建设年度报告指标摘要",
        "Rule-of-law government reports: indicator summary",
    );
    fill(
        TEMPLATE,
        &[
            ("lang", l.pick("zh-CN", "en")),
            ("csp", &content_security_policy()),
            ("generator", &format!("fazhi {}", env!("CARGO_PKG_VERSION"))),
            ("title", title),
            ("style", STYLE),
            ("body", &page.out),
            ("script", SCRIPT),
        ],
    )
    .into_bytes()
}

/// The page's policy: nothing from anywhere, except the inline style and script blocks,
/// admitted by hash (no `'unsafe-inline'`), and inline SVG (which needs no source).
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src 'none'; \
         base-uri 'none'; form-action 'none'",
        base64(&Sha256::digest(STYLE.as_bytes())),
        base64(&Sha256::digest(SCRIPT.as_bytes()))
    )
}

/// Standard base64 with padding (RFC 4648 §4), as CSP hash sources require.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Fills `{{name}}` slots in one pass, so text inserted for one slot is never scanned for
/// another (a report quoting `{{script}}` stays text). Unknown slots are left as they are.
fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + slots.iter().map(|s| s.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").map(|end| (&after[..end], end)) {
            Some((name, end)) if slots.iter().any(|s| s.0 == name) => {
                let value = slots
                    .iter()
                    .find(|s| s.0 == name)
                    .map(|s| s.1)
                    .unwrap_or("");
                out.push_str(value);
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Footnotes: each distinct (file, sentence) gets one number.
#[derive(Default)]
struct Sources {
    index: HashMap<(String, String), usize>,
    list: Vec<(String, String)>,
}

impl Sources {
    /// A superscript link to the source's footnote; the title shows file and sentence on hover.
    fn link(&mut self, doc: &str, evidence: &str) -> String {
        let key = (doc.to_string(), evidence.to_string());
        let n = match self.index.get(&key) {
            Some(n) => *n,
            None => {
                self.list.push(key.clone());
                self.index.insert(key, self.list.len());
                self.list.len()
            }
        };
        format!(
            "<a class=\"src\" href=\"#src-{n}\" title=\"{}: {}\">[{n}]</a>",
            html(doc),
            html(evidence)
        )
    }
}

struct Page<'a, 'b> {
    ctx: &'b PageContext<'a>,
    grid: Grid<'a>,
    sources: Sources,
    out: String,
}

impl<'a> Page<'a, '_> {
    fn l(&self) -> Lang {
        self.ctx.lang
    }

    fn name(&self, metric: &str) -> String {
        html(self.ctx.dict.name(metric, self.l().is_en()))
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// A value cell: the number with its unit, hover title and footnote link.
    fn value_cell(&mut self, f: &Fact) -> String {
        let link = self.sources.link(&f.doc, &f.evidence);
        format!(
            "<td class=\"num\" data-v=\"{}\" title=\"{}: {}\">{} {}{link}</td>",
            format_value(f.value),
            html(&f.doc),
            html(&f.evidence),
            html(&value_label(f)),
            html(unit_label(&f.unit, self.l())),
        )
    }

    fn figure(&mut self, chart: &Chart) {
        let l = self.l();
        // Label the SVG for screen readers; the chart's own text is already escaped.
        let svg = chart.svg.replacen(
            "<svg ",
            &format!("<svg role=\"img\" aria-label=\"{}\" ", html(&chart.title)),
            1,
        );
        let name = html(&chart.name);
        self.out.push_str(&format!(
            "<figure>{svg}<figcaption>{} <span class=\"files\">· {} <a href=\"charts/{name}.csv\">{name}.csv</a> · <a href=\"charts/{name}.png\">PNG</a> · <a href=\"charts/{name}.svg\">SVG</a></span></figcaption></figure>",
            html(&chart.title),
            l.pick("数据:", "Data:"),
        ));
    }

    fn charts_of(&self, kind: ChartKind, subject: &str) -> Vec<&'a Chart> {
        self.ctx
            .charts
            .iter()
            .filter(|c| c.kind == kind && c.subject == subject)
            .collect()
    }

    fn header(&mut self) {
        let l = self.l();
        let a = self.ctx.analysis;
        let counties = self.grid.counties().len();
        let reports = self.ctx.inputs.len();
        let ok = self
            .ctx
            .inputs
            .iter()
            .filter(|i| i.status == InputStatus::Ok)
            .count();
        let span = year_span(a.facts.iter().map(|f| f.year));
        let title = l.pick(
            "法治政府建设年度报告指标摘要",
            "Rule-of-law government reports: indicator summary",
        );
        let meta = match l {
            Lang::Zh => format!(
                "{reports} 份报告 ({ok} 份提取到指标), {counties} 个县区, {} 个数值, 数据年份 {span}。每个数值都链接到其来源文件和原句。",
                a.facts.len()
            ),
            Lang::En => format!(
                "{reports} reports ({ok} with indicators), {counties} counties, {} figures, data years {span}. Every figure links to its source file and sentence.",
                a.facts.len()
            ),
        };
        let toc = [
            ("findings", l.pick("主要发现", "Key findings")),
            ("indicators", l.pick("分指标比较", "Indicators compared")),
            ("counties", l.pick("县区概况", "County profiles")),
            (
                "rates",
                l.pick("计算比率及区间", "Derived rates with intervals"),
            ),
            (
                "quality",
                l.pick("数据质量与冲突", "Data quality and conflicts"),
            ),
            ("coverage", l.pick("覆盖矩阵", "Coverage matrix")),
            ("method", l.pick("方法说明", "Methodology")),
            ("sources", l.pick("来源", "Sources")),
        ];
        let mut nav = String::new();
        for (id, label) in toc {
            nav.push_str(&format!("<li><a href=\"#{id}\">{label}</a></li>"));
        }
        self.push(&format!(
            "<header><h1>{title}</h1><p class=\"meta\">{}</p><nav><ol>{nav}</ol></nav></header>\n",
            html(&meta)
        ));
    }

    fn findings(&mut self) {
        let l = self.l();
        let found = key_findings(self.ctx.analysis, self.ctx.dict, l);
        self.push(&format!(
            "<section id=\"findings\"><h2>{}</h2>",
            l.pick("主要发现", "Key findings")
        ));
        if found.is_empty() {
            self.push(&format!(
                "<p class=\"note\">{}</p>",
                l.pick(
                    "没有可比较的年度变化或比率。",
                    "No year-over-year change or rate to report."
                )
            ));
        } else {
            self.push("<ol class=\"findings\">");
            for f in &found {
                let mut links = String::new();
                for (doc, ev) in f.docs.iter().zip(&f.evidence) {
                    links.push_str(&self.sources.link(doc, ev));
                }
                self.push(&format!("<li>{}{links}</li>", html(&f.sentence)));
            }
            self.push("</ol>");
        }
        self.push("</section>\n");
    }

    fn indicators(&mut self) {
        let l = self.l();
        self.push(&format!(
            "<section id=\"indicators\"><h2>{}</h2><p class=\"note\">{}</p>",
            l.pick("分指标比较", "Indicators compared"),
            l.pick(
                "每项指标按口径 (年度、年末存量、累计) 分开比较, 不同口径从不放在一起。表格可点击表头排序。",
                "Each indicator is compared within one scope (annual, year-end stock, cumulative); scopes are never mixed. Click a column header to sort."
            )
        ));
        let keys: Vec<SeriesKey> = self.grid.series.keys().cloned().collect();
        if keys.is_empty() {
            self.push(&format!(
                "<p>{}</p>",
                l.pick("未提取到任何指标。", "No indicator values were extracted.")
            ));
        }
        for key in keys {
            self.indicator(&key);
        }
        self.push("</section>\n");
    }

    fn indicator(&mut self, key: &SeriesKey) {
        let l = self.l();
        let subject = format!("{}/{}", key.metric, key.scope);
        let latest: Vec<(CountyKey, &Fact)> = self
            .grid
            .latest(key)
            .into_iter()
            .map(|(c, f)| (c.clone(), f))
            .collect();
        let unit = latest
            .first()
            .map(|(_, f)| f.unit.clone())
            .unwrap_or_default();
        self.push(&format!(
            "<article id=\"ind-{}\"><h3>{} <span class=\"meta\">{} · {}</span></h3>",
            html(&super::chart::file_stem(&[
                &key.metric,
                &key.scope.to_string()
            ])),
            self.name(&key.metric),
            scope_label(key.scope, l),
            html(unit_label(&unit, l)),
        ));
        for kind in [ChartKind::Bar, ChartKind::Trend] {
            for chart in self.charts_of(kind, &subject) {
                self.figure(chart);
            }
        }
        let years: BTreeSet<i32> = latest.iter().map(|(_, f)| f.year).collect();
        if years.len() > 1 {
            self.push(&format!(
                "<p class=\"note\">{} {}</p>",
                l.pick(
                    "注意: 各县区最新数据年份不同",
                    "Note: the counties' latest years differ:"
                ),
                html(&year_span(years.iter().copied()))
            ));
        }
        self.push(&format!(
            "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l.pick("县区", "County"),
            l.pick("年份", "Year"),
            l.pick("最新值", "Latest value"),
            l.pick("较上一数据", "Change vs previous"),
            l.pick("排名", "Rank"),
        ));
        for (rank, (county, f)) in latest.iter().enumerate() {
            let cell = self.value_cell(f);
            let change = self
                .ctx
                .analysis
                .trends
                .iter()
                .find(|t| {
                    t.metric == key.metric
                        && t.scope == key.scope
                        && t.county == county.county
                        && t.region_code == county.region_code
                        && t.year == f.year
                })
                .and_then(|t| Some((t.prev_year?, t.prev_value?, t.pct_change, &t.note)));
            let change = match change {
                Some((py, pv, pct, note)) => format!(
                    "<td class=\"num\" data-v=\"{}\" title=\"{}\">{} {py}: {}{}</td>",
                    pct.map(|p| format!("{p:.3}")).unwrap_or_default(),
                    html(note),
                    l.pick("自", "from"),
                    format_value(pv),
                    pct.map(|p| format!(" ({p:+.1}%)")).unwrap_or_default()
                ),
                None => "<td class=\"num\"></td>".to_string(),
            };
            self.push(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td>{cell}{change}<td class=\"num\" data-v=\"{}\">{} / {}</td></tr>",
                html(&county.county),
                f.year,
                rank + 1,
                rank + 1,
                latest.len()
            ));
        }
        self.push("</tbody></table></div>");
        if let Some(conflicted) = self.grid.conflicted.get(key) {
            let list: Vec<String> = conflicted
                .iter()
                .map(|(c, years)| {
                    format!(
                        "{} {}",
                        html(&c.county),
                        years
                            .iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            self.push(&format!(
                "<p class=\"note\">{} {}. <a href=\"#quality\">{}</a></p>",
                l.pick("来源不一致、未计入:", "Sources disagree, left out:"),
                list.join("; "),
                l.pick("见数据质量", "See data quality")
            ));
        }
        let slopes: Vec<_> = self
            .ctx
            .analysis
            .slopes
            .iter()
            .filter(|s| s.metric == key.metric && s.scope == key.scope)
            .collect();
        if !slopes.is_empty() {
            self.push(&format!(
                "<p class=\"note\">{}</p><ul>",
                l.pick(
                    "三年及以上的线性趋势 (最小二乘斜率, 学生 t 分布 95% 区间):",
                    "Linear trend over three or more years (least-squares slope, Student-t 95% interval):"
                )
            ));
            for s in slopes {
                self.out.push_str(&format!(
                    "<li>{} {}-{}: {:+.2} {}/{} [{:.2}, {:.2}]</li>",
                    html(&s.county),
                    s.first_year,
                    s.last_year,
                    s.slope,
                    html(unit_label(&unit, l)),
                    l.pick("年", "year"),
                    s.ci_low,
                    s.ci_high
                ));
            }
            self.push("</ul>");
        }
        self.push("</article>\n");
    }

    fn counties(&mut self) {
        let l = self.l();
        self.push(&format!(
            "<section id=\"counties\"><h2>{}</h2>",
            l.pick("县区概况", "County profiles")
        ));
        let counties: Vec<CountyKey> = self.grid.counties().into_iter().cloned().collect();
        for county in counties {
            let place: Option<&Fact> = self
                .ctx
                .analysis
                .facts
                .iter()
                .find(|f| f.county == county.county && f.region_code == county.region_code);
            let place = place
                .map(|f| format!("{} {} · {}", f.province, f.prefecture, f.region_code))
                .unwrap_or_default();
            self.push(&format!(
                "<article><h3>{} <span class=\"meta\">{}</span></h3>",
                html(&county.county),
                html(&place)
            ));
            let subject = format!("{}/{}", county.region_code, county.county);
            for chart in self.charts_of(ChartKind::Profile, &subject) {
                self.figure(chart);
            }
            self.push(&format!(
                "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.pick("指标", "Indicator"),
                l.pick("口径", "Scope"),
                l.pick("年份", "Year"),
                l.pick("数值", "Value"),
            ));
            let rows: Vec<(SeriesKey, &Fact)> = self
                .grid
                .series
                .iter()
                .filter_map(|(k, c)| c.get(&county).map(|years| (k, years)))
                .flat_map(|(k, years)| years.values().map(move |f| (k.clone(), *f)))
                .collect();
            for (key, f) in rows {
                let cell = self.value_cell(f);
                self.push(&format!(
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td>{cell}</tr>",
                    self.name(&key.metric),
                    scope_label(key.scope, l),
                    f.year
                ));
            }
            self.push("</tbody></table></div></article>\n");
        }
        self.push("</section>\n");
    }

    fn rates(&mut self) {
        let l = self.l();
        let a = self.ctx.analysis;
        self.push(&format!(
            "<section id=\"rates\"><h2>{}</h2><p class=\"note\">{}</p>",
            l.pick("计算比率及区间", "Derived rates with intervals"),
            l.pick(
                "比率由报告中的分子和分母计算, 附 95% Wilson 区间: 件数越少, 区间越宽。",
                "Rates computed from the numerator and denominator each report states, with a 95% Wilson interval: the smaller the count, the wider the interval."
            )
        ));
        if a.derived.is_empty() {
            self.push(&format!(
                "<p>{}</p>",
                l.pick("没有可计算的比率。", "No rate could be computed.")
            ));
        }
        let metrics: BTreeSet<&str> = a.derived.iter().map(|d| d.metric.as_str()).collect();
        for metric in metrics {
            let name = super::chart::derived_name(self.ctx.dict, metric, l);
            self.push(&format!("<h3>{}</h3>", html(&name)));
            for chart in self.charts_of(ChartKind::Rate, metric) {
                self.figure(chart);
            }
            self.push(&format!(
                "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.pick("县区", "County"),
                l.pick("年份", "Year"),
                l.pick("比率", "Rate"),
                l.pick("95% 区间", "95% interval"),
                l.pick("分子 / 分母", "Numerator / denominator"),
                l.pick("全国参考值", "National reference"),
                l.pick("说明", "Note"),
            ));
            for d in a.derived.iter().filter(|d| d.metric == metric) {
                let mut links = String::new();
                for part in [&d.numerator_metric, &d.denominator_metric] {
                    if let Some(f) = a.facts.iter().find(|f| {
                        &f.metric == part
                            && f.year == d.year
                            && f.county == d.county
                            && f.region_code == d.region_code
                    }) {
                        links.push_str(&self.sources.link(&f.doc, &f.evidence));
                    }
                }
                self.out.push_str(&format!(
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\" data-v=\"{:.4}\" title=\"{}\">{:.1}%{links}</td><td class=\"num\">{:.1}% - {:.1}%</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                    html(&d.county),
                    d.year,
                    d.value,
                    html(&d.evidence),
                    d.value,
                    d.ci_low,
                    d.ci_high,
                    html(&super::chart::parts_label(d)),
                    d.reference.map(|r| format!("{}%", format_value(r))).unwrap_or_default(),
                    html(&d.note),
                ));
            }
            self.push("</tbody></table></div>");
        }
        if !a.references.is_empty() {
            self.push(&format!(
                "<h3>{}</h3><p class=\"note\">{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.pick("参考值", "Reference values"),
                l.pick(
                    "公开发布的全国数值, 仅作参照, 不与县区数值合并。",
                    "Published national figures, shown for reference and never mixed into county values."
                ),
                l.pick("指标", "Indicator"),
                l.pick("年份", "Year"),
                l.pick("数值", "Value"),
                l.pick("出处", "Published by"),
            ));
            for r in &a.references {
                let unit = self
                    .ctx
                    .dict
                    .get(&r.indicator)
                    .map(|i| i.unit.as_str())
                    .unwrap_or("");
                self.out.push_str(&format!(
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} {}</td><td class=\"evidence\">{}</td></tr>",
                    html(self.ctx.dict.name(&r.indicator, l.is_en())),
                    r.year,
                    format_value(r.value),
                    html(unit_label(unit, l)),
                    html(&r.source)
                ));
            }
            self.push("</tbody></table>");
        }
        self.push("</section>\n");
    }

    fn quality(&mut self) {
        let l = self.l();
        let a = self.ctx.analysis;
        self.push(&format!(
            "<section id=\"quality\"><h2>{}</h2><h3>{}</h3>",
            l.pick("数据质量与冲突", "Data quality and conflicts"),
            l.pick("一致性检查", "Consistency checks")
        ));
        if a.checks.is_empty() {
            self.push(&format!(
                "<p>{}</p>",
                l.pick("没有检查结果。", "No check produced a finding.")
            ));
        } else {
            self.push(&format!(
                "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.pick("严重程度", "Severity"),
                l.pick("检查", "Check"),
                l.pick("县区", "County"),
                l.pick("指标", "Indicator"),
                l.pick("年份", "Year"),
                l.pick("发现", "Finding"),
            ));
            let mut checks: Vec<_> = a.checks.iter().collect();
            checks.sort_by_key(|c| std::cmp::Reverse(c.severity));
            for c in checks {
                let (class, label, rank) = match c.severity {
                    Severity::Error => ("sev-error", l.pick("错误", "error"), 3),
                    Severity::Warning => ("sev-warning", l.pick("警告", "warning"), 2),
                    Severity::Info => ("sev-info", l.pick("提示", "info"), 1),
                };
                let link = self.sources.link(&c.doc, &c.evidence);
                self.out.push_str(&format!(
                    "<tr><td class=\"{class}\" data-v=\"{rank}\">{label}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}{link}</td></tr>",
                    html(&c.kind),
                    html(&c.county),
                    html(self.ctx.dict.name(&c.metric, l.is_en())),
                    c.year,
                    html(&c.message),
                ));
            }
            self.push("</tbody></table></div>");
        }
        self.push(&format!(
            "<h3>{}</h3>",
            l.pick("来源冲突", "Conflicting sources")
        ));
        if a.conflicts.is_empty() {
            self.push(&format!(
                "<p>{}</p>",
                l.pick(
                    "没有同一县区、指标、年份和口径下数值不一致的情况。",
                    "No two sources state different values for the same county, indicator, year and scope."
                )
            ));
        } else {
            self.push(&format!(
                "<p class=\"note\">{}</p><div class=\"scroll\"><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.pick(
                    "以下数值保留全部来源, 不作取舍, 也不进入图表。",
                    "All sources are kept and none is chosen; these values are left out of the charts."
                ),
                l.pick("县区", "County"),
                l.pick("指标", "Indicator"),
                l.pick("年份", "Year"),
                l.pick("各来源数值", "Values by source"),
            ));
            for c in &a.conflicts {
                let mut values = String::new();
                for s in &c.sources {
                    let link = self.sources.link(&s.doc, &s.evidence);
                    values.push_str(&format!(
                        "<div>{} <span class=\"evidence\">{}</span>{link}</div>",
                        format_value(s.value),
                        html(&s.doc)
                    ));
                }
                self.out.push_str(&format!(
                    "<tr><td>{}</td><td>{} ({})</td><td class=\"num\">{}</td><td>{values}</td></tr>",
                    html(&c.county),
                    self.name(&c.metric),
                    scope_label(c.scope, l),
                    c.year
                ));
            }
            self.push("</tbody></table></div>");
        }
        self.push("</section>\n");
    }

    fn coverage(&mut self) {
        let l = self.l();
        // Counties from the inputs too, so a report with no indicator shows as a blank column.
        let mut counties: BTreeSet<CountyKey> = self.grid.counties().into_iter().cloned().collect();
        for i in self.ctx.inputs {
            if let Some(county) = &i.county {
                counties.insert(CountyKey {
                    region_code: i.region_code.clone().unwrap_or_default(),
                    county: county.clone(),
                });
            }
        }
        let mut found: BTreeMap<(&str, &CountyKey), BTreeSet<i32>> = BTreeMap::new();
        for (key, by_county) in &self.grid.series {
            for (county, years) in by_county {
                found
                    .entry((key.metric.as_str(), county))
                    .or_default()
                    .extend(years.keys());
            }
        }
        for (key, by_county) in &self.grid.conflicted {
            for (county, years) in by_county {
                found
                    .entry((key.metric.as_str(), county))
                    .or_default()
                    .extend(years.iter());
            }
        }
        let mut out = format!(
            "<section id=\"coverage\"><h2>{}</h2><p class=\"note\">{}</p><div class=\"scroll\"><table><thead><tr><th>{}</th>",
            l.pick("覆盖矩阵", "Coverage matrix"),
            l.pick(
                "每格为该县区报告中找到该指标的年份; \"未报告\" 表示报告中没有找到。",
                "Each cell lists the years for which the county's reports state the indicator; \"not reported\" means none was found."
            ),
            l.pick("指标", "Indicator"),
        );
        for c in &counties {
            out.push_str(&format!("<th>{}</th>", html(&c.county)));
        }
        out.push_str("</tr></thead><tbody>");
        let mut metrics: Vec<&str> = self
            .ctx
            .dict
            .indicators
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        for key in self.grid.series.keys() {
            if !metrics.contains(&key.metric.as_str()) {
                metrics.push(&key.metric);
            }
        }
        for metric in metrics {
            out.push_str(&format!(
                "<tr><td>{}</td>",
                html(self.ctx.dict.name(metric, l.is_en()))
            ));
            for c in &counties {
                match found.get(&(metric, c)) {
                    Some(years) => out.push_str(&format!(
                        "<td class=\"found\">✓ {}</td>",
                        years
                            .iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    None => out.push_str(&format!(
                        "<td class=\"miss\">{}</td>",
                        l.pick("未报告", "not reported")
                    )),
                }
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div></section>\n");
        self.out.push_str(&out);
    }

    fn methodology(&mut self) {
        let l = self.l();
        let text = match l {
            Lang::Zh => [
                "数值由 fazhi 从报告原文中按指标词典 (data/indicators.toml) 提取, 每个数值保留其原句和所在文件; \"下一年度工作安排\" 中的目标数不计入。",
                "口径: 年度 (当年发生数)、年末存量、累计数分别比较, 从不混合。\"余/多/以上\" 记为 \"+\", \"约/近\" 记为 \"~\"。",
                "同比: 与同一县区、同一指标、同一口径的上一数据比较; 间隔超过一年时另给年均增长率。",
                "比率由分子和分母重新计算, 给出 95% Wilson 区间 (Wilson 1927; Brown, Cai & DasGupta 2001)。",
                "同一县区、指标、年份、口径的来源数值不一致时, 全部保留并标出, 不进入图表。参考值 (data/reference.csv) 只作参照。",
            ],
            Lang::En => [
                "Figures are extracted by fazhi from the report text using the indicator dictionary (data/indicators.toml); each keeps its source sentence and file. Targets in the next-year plans are not counted.",
                "Scopes: annual flows, year-end stocks and cumulative totals are compared only within their scope. \"余/多/以上\" (more than) is shown as \"+\", \"约/近\" (about) as \"~\".",
                "Year over year: compared with the previous value of the same county, indicator and scope; for gaps longer than a year a compound annual rate is also given.",
                "Rates are recomputed from numerator and denominator, with a 95% Wilson score interval (Wilson 1927; Brown, Cai & DasGupta 2001).",
                "When sources disagree for the same county, indicator, year and scope, all are kept and flagged, and the value is left out of the charts. Reference values (data/reference.csv) are shown for comparison only.",
            ],
        };
        let mut out = format!(
            "<section id=\"method\"><h2>{}</h2>",
            l.pick("方法说明", "Methodology")
        );
        for p in text {
            out.push_str(&format!("<p>{}</p>", html(p)));
        }
        out.push_str(&format!(
            "<h3>{}</h3><div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l.pick("输入文件", "Inputs"),
            l.pick("文件", "File"),
            l.pick("状态", "Status"),
            l.pick("县区", "County"),
            l.pick("报告年份", "Report year"),
            l.pick("数值个数", "Figures"),
            l.pick("说明", "Message"),
        ));
        for i in self.ctx.inputs {
            let status = match i.status {
                InputStatus::Ok => l.pick("已提取", "ok"),
                InputStatus::NoIndicators => l.pick("未找到指标", "no indicators"),
                InputStatus::Skipped => l.pick("跳过", "skipped"),
                InputStatus::Error => l.pick("出错", "error"),
            };
            out.push_str(&format!(
                "<tr><td>{}</td><td>{status}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                html(&i.path),
                html(i.county.as_deref().unwrap_or("")),
                i.report_year.map(|y| y.to_string()).unwrap_or_default(),
                i.facts,
                html(i.message.as_deref().unwrap_or("")),
            ));
        }
        out.push_str("</tbody></table></div></section>\n");
        self.out.push_str(&out);
    }

    fn source_list(&mut self) {
        let l = self.l();
        let mut out = format!(
            "<section id=\"sources\"><h2>{}</h2><ol class=\"sources\">",
            l.pick("来源", "Sources")
        );
        for (i, (doc, evidence)) in self.sources.list.iter().enumerate() {
            out.push_str(&format!(
                "<li id=\"src-{}\"><b>{}</b>: <q>{}</q></li>",
                i + 1,
                html(doc),
                html(evidence)
            ));
        }
        out.push_str("</ol></section>\n");
        self.out.push_str(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
    }

    #[test]
    fn template_slots_are_filled_once() {
        let got = fill(
            "<a>{{body}}</a><s>{{script}}</s>{{unknown}}",
            &[("body", "{{script}}"), ("script", "x")],
        );
        assert_eq!(got, "<a>{{script}}</a><s>x</s>{{unknown}}");
    }

    #[test]
    fn policy_admits_only_hashed_inline_blocks() {
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'none';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("http"));
        assert_eq!(csp.matches("'sha256-").count(), 2);
    }

    #[test]
    fn footnotes_are_numbered_once_per_source() {
        let mut s = Sources::default();
        let a = s.link("a.txt", "<b>x</b>");
        let b = s.link("b.txt", "y");
        assert_eq!(s.link("a.txt", "<b>x</b>"), a);
        assert!(a.contains("#src-1") && b.contains("#src-2"));
        assert!(a.contains("&lt;b&gt;x&lt;/b&gt;") && !a.contains("<b>"));
    }
}
