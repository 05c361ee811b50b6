//! The self-contained summary page (`index.html`): inline CSS and SVG, no network.

use std::fmt::Write;

use super::chart::Chart;
use super::escape::html;
use super::Lang;
use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use crate::extract::format_value;
use crate::ingest::InputRecord;

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
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1>",
        l.pick(
            "法治政府建设年度报告指标摘要",
            "Rule-of-law report indicators"
        )
    );
    let _ = write!(
        body,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        l.pick("提取的数据", "Extracted figures"),
        l.pick("县区", "County"),
        l.pick("指标", "Indicator"),
        l.pick("年份", "Year"),
        l.pick("数值", "Value"),
        l.pick("来源", "Source")
    );
    for f in &ctx.analysis.facts {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td title=\"{}\">{}</td></tr>",
            html(&f.county),
            html(ctx.dict.name(&f.metric, l.is_en())),
            f.year,
            format_value(f.value),
            html(&f.unit),
            html(&f.doc),
            html(&f.evidence)
        );
    }
    body.push_str("</table>");
    for c in ctx.charts {
        let _ = write!(body, "<figure>{}</figure>", c.svg);
    }
    let _ = write!(body, "<h2>{}</h2><ul>", l.pick("输入文件", "Inputs"));
    for i in ctx.inputs {
        let _ = write!(body, "<li>{} — {:?}</li>", html(&i.path), i.status);
    }
    body.push_str("</ul>");
    format!("<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><title>fazhi</title></head><body>{body}</body></html>\n",
        l.pick("zh-CN", "en")).into_bytes()
}
