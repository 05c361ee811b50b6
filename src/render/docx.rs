//! The briefing as a Word document (`briefing.docx`), for a reader who edits it into a report:
//! the same view model as `briefing.md` ([`briefing_view_as`], report text on one line rather
//! than Markdown-escaped), laid out on A4 as Chinese offices set a document (fonts and margins
//! in `data/docx.toml`), with the key charts as images (the chart module's PNGs, as they are),
//! comparison tables from the analysis (unit, year, value, rank overall and within the
//! prefecture), and each item's sources (file and exact text) as its footnote.
//!
//! The XML is written by `docx-rs`, which escapes text. Where it falls short of what Word and
//! WPS need, its output is completed here: a font table with fallbacks (`font_table`),
//! distinct drawing ids (`number_drawings`), Word's own footnote marks (`footnote_marks`);
//! and the package is zipped here rather than by the crate, so that every entry has a fixed
//! timestamp and the XML is compressed: the same input gives the same bytes. `docx-rs` numbers
//! pictures, footnotes and paragraphs from process-wide counters; every id is set here instead.
//!
//! Like the Markdown briefing it stays readable at national scale: at most
//! [`MAX_FINDINGS`](super::html::MAX_FINDINGS) findings and
//! [`APPENDIX_ROWS`](super::briefing::APPENDIX_ROWS) appendix rows (the view model's caps),
//! [`MAX_CHARTS`] charts, [`MAX_TABLES`] comparison tables of at most
//! [`TABLE_ROWS`] rows, each cut saying how many there are and which file holds them all.
//! Table cells are neutralised like spreadsheet cells (they are pasted into one).

use std::collections::{BTreeSet, HashMap};
use std::io::{Cursor, Write};

use docx_rs::{
    AlignmentType, Docx, Footnote, LineSpacing, LineSpacingType, PageMargin, Paragraph, Pic, Run,
    RunFonts, RunProperty, SpecialIndentType, Style, StyleType, Table, TableCell, TableRow,
    VertAlignType, WidthType, XMLDocx,
};
use serde::Deserialize;

use super::briefing::{briefing_view_as, BriefingItem, BriefingSection, Markup};
use super::chart::{scope_label, unit_label, Chart, ChartKind};
use super::escape::{one_line, spreadsheet_cell};
use super::review::ReviewFacts;
use super::Lang;
use crate::analysis::{Analysis, ComparisonRow};
use crate::dict::IndicatorDict;
use crate::model::format_value;

/// Most charts shown; the rest are in `charts/`.
pub const MAX_CHARTS: usize = 6;
/// Most comparison tables (those comparing the most units first).
pub const MAX_TABLES: usize = 6;
/// Most rows of one comparison table (the top ranks).
pub const TABLE_ROWS: usize = 20;

/// The page and fonts (`data/docx.toml`).
pub const BUNDLED_STYLE: &str = include_str!("../../data/docx.toml");

/// What the Word briefing is made from.
pub struct DocxContext<'a> {
    /// The analysis (findings, rates, checks, comparisons).
    pub analysis: &'a Analysis,
    /// The facts marked review.
    pub review: ReviewFacts<'a>,
    /// Indicator names and units.
    pub dict: &'a IndicatorDict,
    /// The charts already drawn, PNG included.
    pub charts: &'a [Chart],
    /// Label language.
    pub lang: Lang,
}

/// Why the Word briefing could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// `data/docx.toml` is not valid.
    #[error("data/docx.toml: {0}")]
    Style(String),
    /// A chart's PNG has no readable header.
    #[error("chart {chart}: PNG header cannot be read: {message}")]
    Png {
        /// Chart file stem.
        chart: String,
        /// The decoder's error.
        message: String,
    },
    /// Zipping the package failed.
    #[error("briefing.docx: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing the package failed.
    #[error("briefing.docx: {0}")]
    Io(#[from] std::io::Error),
    /// Writing the font table failed.
    #[error("briefing.docx font table: {0}")]
    Xml(String),
}

/// Page geometry in millimetres.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageMm {
    width: f64,
    height: f64,
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
}

/// One font role: East Asian font and its fallbacks, Latin font, size in points.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FontSpec {
    east_asia: Vec<String>,
    latin: String,
    size: f64,
}

impl FontSpec {
    fn run_fonts(&self) -> RunFonts {
        RunFonts::new()
            .east_asia(&self.east_asia[0])
            .ascii(&self.latin)
            .hi_ansi(&self.latin)
            .cs(&self.latin)
            .hint("eastAsia")
    }

    /// Size in half-points, as OOXML counts it.
    fn half_points(&self) -> usize {
        (self.size * 2.0).round() as usize
    }
}

/// `data/docx.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocStyle {
    page: PageMm,
    title: FontSpec,
    heading: FontSpec,
    body: FontSpec,
    small: FontSpec,
}

impl DocStyle {
    fn parse(text: &str) -> Result<Self, DocxError> {
        let style: DocStyle = toml::from_str(text).map_err(|e| DocxError::Style(e.to_string()))?;
        for (role, font) in style.fonts() {
            if font.east_asia.is_empty() || font.latin.is_empty() || font.size <= 0.0 {
                return Err(DocxError::Style(format!(
                    "[{role}] needs an east_asia font, a latin font and a size"
                )));
            }
        }
        let p = &style.page;
        if p.left + p.right >= p.width || p.top + p.bottom >= p.height {
            return Err(DocxError::Style(
                "[page] margins leave no text block".into(),
            ));
        }
        Ok(style)
    }

    fn fonts(&self) -> [(&'static str, &FontSpec); 4] {
        [
            ("title", &self.title),
            ("heading", &self.heading),
            ("body", &self.body),
            ("small", &self.small),
        ]
    }

    fn text_width_mm(&self) -> f64 {
        self.page.width - self.page.left - self.page.right
    }

    fn text_height_mm(&self) -> f64 {
        self.page.height - self.page.top - self.page.bottom
    }
}

fn twips(mm: f64) -> i32 {
    (mm / 25.4 * 1440.0).round() as i32
}

fn emu(mm: f64) -> u32 {
    (mm * 36_000.0).round() as u32
}

// Style ids (the names Word shows are set with them in `styles`).
const TITLE: &str = "Title";
const HEADING: &str = "Heading1";
const BODY: &str = "BodyText";
/// Notes saying what was cut: body text, not justified (a long list of file names would
/// spread the line before it).
const NOTE: &str = "Note";
const CAPTION: &str = "Caption";
const CELL: &str = "TableText";
const NOTE_TEXT: &str = "FootnoteText";
const NOTE_MARK: &str = "FootnoteReference";

/// A block of the document body, in order.
enum Block {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

/// The document being built: its blocks and the ids it has given out.
struct Builder {
    blocks: Vec<Block>,
    paragraphs: u32,
    footnotes: usize,
    pictures: usize,
}

impl Builder {
    /// A new paragraph with the next id (docx-rs would take one from a thread-wide counter).
    fn paragraph(&mut self, style: &str) -> Paragraph {
        self.paragraphs += 1;
        Paragraph::new()
            .id(format!("{:08X}", self.paragraphs))
            .style(style)
    }

    fn text(&mut self, style: &str, text: &str) -> Paragraph {
        self.paragraph(style).add_run(Run::new().add_text(text))
    }

    fn push(&mut self, p: Paragraph) {
        self.blocks.push(Block::Paragraph(Box::new(p)));
    }

    fn push_text(&mut self, style: &str, text: &str) {
        let p = self.text(style, text);
        self.push(p);
    }

    /// A heading, kept on the page of what follows it.
    fn heading(&mut self, text: &str) {
        let p = self.text(HEADING, text).keep_next(true);
        self.push(p);
    }

    /// A footnote reference whose note lists `lines` (the sources), numbered in order. The
    /// note starts with its number as text, which [`footnote_marks`] turns into Word's own
    /// footnote mark (docx-rs has none).
    fn footnote(&mut self, lines: &[String]) -> Run {
        self.footnotes += 1;
        let id = self.footnotes;
        let mut content = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            let mut p = self.paragraph(NOTE_TEXT);
            if i == 0 {
                p = p
                    .add_run(Run::new().style(NOTE_MARK).add_text(id.to_string()))
                    .add_run(Run::new().add_text(" "));
            }
            content.push(p.add_run(Run::new().add_text(line)));
        }
        Run::new().add_footnote_reference(Footnote { id, content })
    }

    /// A section of the view model: heading, numbered items with their sources as footnotes,
    /// plain lines, the note saying what was cut.
    fn section(&mut self, section: &BriefingSection) {
        self.heading(&section.heading);
        if let Some(empty) = &section.empty {
            self.push_text(NOTE, empty);
        }
        for (i, item) in section.items.iter().enumerate() {
            let p = self.item(i + 1, item);
            self.push(p);
        }
        for line in &section.lines {
            self.push_text(BODY, line);
        }
        if let Some(note) = &section.note {
            self.push_text(NOTE, note);
        }
    }

    fn item(&mut self, n: usize, item: &BriefingItem) -> Paragraph {
        let mut p = self
            .paragraph(BODY)
            .add_run(Run::new().add_text(format!("{n}. {}", item.text)));
        if !item.sources.is_empty() {
            let note = self.footnote(&item.sources);
            p = p.add_run(note);
        }
        p
    }

    /// A chart as an inline picture the width of the text block (less tall than half the
    /// page), then its caption.
    fn chart(&mut self, chart: &Chart, (w, h): (u32, u32), n: usize, style: &DocStyle, l: Lang) {
        let mut width = style.text_width_mm();
        let mut height = width * f64::from(h) / f64::from(w);
        let max_height = style.text_height_mm() / 2.0;
        if height > max_height {
            width *= max_height / height;
            height = max_height;
        }
        self.pictures += 1;
        let pic = Pic::new_with_dimensions(chart.png.clone(), w, h)
            .size(emu(width), emu(height))
            .id(format!("rIdImage{}", self.pictures));
        let p = self
            .paragraph(CAPTION)
            .keep_next(true)
            .add_run(Run::new().add_image(pic));
        self.push(p);
        let caption = l.fill(
            "docx.figure",
            &[("n", &n), ("title", &one_line(&chart.title))],
        );
        self.push_text(CAPTION, &caption);
    }

    /// A table with a bold header row; every cell neutralised as a spreadsheet cell.
    fn table(&mut self, header: &[&str], rows: &[Vec<String>], widths_mm: &[f64]) {
        let mut out = Vec::with_capacity(rows.len() + 1);
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        for (i, row) in std::iter::once(&header).chain(rows).enumerate() {
            let cells = row
                .iter()
                .zip(widths_mm)
                .map(|(text, &w)| {
                    let mut run = Run::new().add_text(spreadsheet_cell(&one_line(text)));
                    if i == 0 {
                        run = run.bold();
                    }
                    TableCell::new()
                        .width(twips(w) as usize, WidthType::Dxa)
                        .add_paragraph(self.paragraph(CELL).add_run(run))
                })
                .collect();
            out.push(TableRow::new(cells).cant_split());
        }
        let grid = widths_mm.iter().map(|&w| twips(w) as usize).collect();
        let total: f64 = widths_mm.iter().sum();
        let table = Table::new(out)
            .set_grid(grid)
            .width(twips(total) as usize, WidthType::Dxa)
            .align(docx_rs::TableAlignmentType::Center);
        self.blocks.push(Block::Table(Box::new(table)));
    }
}

/// Width and height in pixels, from the PNG header.
fn png_size(chart: &Chart) -> Result<(u32, u32), DocxError> {
    let reader = png::Decoder::new(Cursor::new(chart.png.as_slice()))
        .read_info()
        .map_err(|e| DocxError::Png {
            chart: chart.name.clone(),
            message: e.to_string(),
        })?;
    let info = reader.info();
    if info.width == 0 || info.height == 0 {
        return Err(DocxError::Png {
            chart: chart.name.clone(),
            message: "empty image".into(),
        });
    }
    Ok((info.width, info.height))
}

/// A chart and its PNG's width and height in pixels.
type SizedChart<'a> = (&'a Chart, (u32, u32));

/// The charts in the order they are shown, each with its size in pixels: those wider than
/// tall first (at national scale the bar and rate charts list a hundred units and are tall:
/// shrunk to a page they cannot be read, and they are in `charts/`), then by kind: the national
/// median with its band and the distributions by province (a national corpus), rates (the
/// figures a briefing quotes), trends, bars, timeliness and profiles, each kind in the chart
/// module's order.
fn key_charts(charts: &[Chart]) -> Result<Vec<SizedChart<'_>>, DocxError> {
    let rank = |k: ChartKind| match k {
        ChartKind::National => 0,
        ChartKind::Distribution => 1,
        ChartKind::Province => 2,
        ChartKind::Rate => 3,
        ChartKind::Trend => 4,
        ChartKind::Bar => 5,
        ChartKind::Timeliness => 6,
        ChartKind::Profile => 7,
    };
    let mut out = charts
        .iter()
        .filter(|c| !c.png.is_empty())
        .map(|c| Ok((c, png_size(c)?)))
        .collect::<Result<Vec<_>, DocxError>>()?;
    out.sort_by_key(|(c, (w, h))| (h > w, rank(c.kind)));
    Ok(out)
}

/// The analysis's comparisons grouped as compared (basis, indicator, scope and, for
/// same-year comparisons, year), in their order, then the groups comparing the most units first
/// (stable); each group's rows by rank.
fn comparison_groups(rows: &[ComparisonRow]) -> Vec<Vec<&ComparisonRow>> {
    let mut index: HashMap<(&str, &str, crate::model::Scope, i32), usize> = HashMap::new();
    let mut groups: Vec<Vec<&ComparisonRow>> = Vec::new();
    for row in rows {
        let year = if row.basis == "year" { row.year } else { 0 };
        let key = (row.basis.as_str(), row.metric.as_str(), row.scope, year);
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(row);
    }
    for group in &mut groups {
        group.sort_by_key(|r| r.rank);
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups
}

/// Renders `briefing.docx`.
pub fn render_briefing_docx(ctx: &DocxContext<'_>) -> Result<Vec<u8>, DocxError> {
    let style = DocStyle::parse(BUNDLED_STYLE)?;
    let l = ctx.lang;
    let view = briefing_view_as(ctx.analysis, ctx.review, ctx.dict, l, Markup::Plain);
    let mut b = Builder {
        blocks: Vec::new(),
        paragraphs: 0,
        footnotes: 0,
        pictures: 0,
    };

    let title = b.text(TITLE, &view.title);
    b.push(title);
    b.push_text(BODY, &view.intro);
    b.push_text(BODY, &view.scope);
    b.push_text(BODY, l.text("docx.sources_in_footnotes"));

    let mut sections = view.sections.iter();
    if let Some(findings) = sections.next() {
        b.section(findings);
    }

    let charts = key_charts(ctx.charts)?;
    if !charts.is_empty() {
        b.heading(l.text("docx.key_charts"));
        for (i, (chart, size)) in charts.iter().take(MAX_CHARTS).enumerate() {
            b.chart(chart, *size, i + 1, &style, l);
        }
        if charts.len() > MAX_CHARTS {
            let note = l.fill(
                "docx.charts_cut",
                &[("total", &charts.len()), ("shown", &MAX_CHARTS)],
            );
            b.push_text(NOTE, &note);
        }
    }

    comparisons(&mut b, ctx, &style);

    for section in sections {
        b.section(section);
    }

    let docx = assemble(b, &style);
    let mut xml = docx.build();
    xml.font_table = font_table(&style)?;
    xml.document = number_drawings(&xml.document);
    xml.footnotes = footnote_marks(&xml.footnotes);
    pack(xml)
}

/// The comparison tables, each under its caption, with what was cut.
fn comparisons(b: &mut Builder, ctx: &DocxContext<'_>, style: &DocStyle) {
    let l = ctx.lang;
    let groups = comparison_groups(&ctx.analysis.comparisons);
    if groups.is_empty() {
        return;
    }
    b.heading(l.text("docx.comparisons"));
    let header = [
        l.text("docx.unit"),
        l.text("docx.data_year"),
        l.text("docx.value"),
        l.text("docx.rank"),
        l.text("docx.prefecture_rank"),
    ];
    let w = style.text_width_mm();
    let widths = [w * 0.32, w * 0.14, w * 0.2, w * 0.14, w * 0.2];
    for (n, group) in groups.iter().take(MAX_TABLES).enumerate() {
        let first = group[0];
        let year = if first.basis == "year" {
            l.fill("docx.year", &[("year", &first.year)])
        } else {
            l.text("docx.latest_year").to_string()
        };
        let caption = l.fill(
            "docx.table_title",
            &[
                ("n", &(n + 1)),
                ("name", &one_line(ctx.dict.name(&first.metric, l.is_en()))),
                ("unit", &one_line(unit_label(&first.unit, l))),
                ("scope", &scope_label(first.scope, l)),
                ("year", &year),
            ],
        );
        let p = b.text(CAPTION, &caption).keep_next(true);
        b.push(p);
        let rows: Vec<Vec<String>> = group
            .iter()
            .take(TABLE_ROWS)
            .map(|r| {
                let prefecture = match (r.prefecture_rank, r.prefecture_n) {
                    (Some(rank), Some(n)) => format!("{rank}/{n}"),
                    _ => l.text("docx.not_ranked").to_string(),
                };
                vec![
                    r.county.clone(),
                    r.year.to_string(),
                    format_value(r.value),
                    format!("{}/{}", r.rank, r.n),
                    prefecture,
                ]
            })
            .collect();
        b.table(&header, &rows, &widths);
        if group.len() > TABLE_ROWS {
            let note = l.fill(
                "docx.rows_cut",
                &[("total", &group.len()), ("shown", &TABLE_ROWS)],
            );
            b.push_text(NOTE, &note);
        }
    }
    if groups.len() > MAX_TABLES {
        let note = l.fill(
            "docx.tables_cut",
            &[("total", &groups.len()), ("shown", &MAX_TABLES)],
        );
        b.push_text(NOTE, &note);
    }
}

/// The document: A4 with the style's margins, its styles, and the blocks in order.
fn assemble(b: Builder, style: &DocStyle) -> Docx {
    let p = &style.page;
    // 1.25 lines, proportional ("auto"): an exact height would crop the inline charts.
    let line = LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(300)
        .before(0)
        .after(0);
    // The first line of body text indented by two characters of the body font.
    let two_chars = (style.body.size * 2.0 * 20.0).round() as i32;
    let mut docx = Docx::new()
        .page_size(twips(p.width) as u32, twips(p.height) as u32)
        .page_margin(
            PageMargin::new()
                .top(twips(p.top))
                .bottom(twips(p.bottom))
                .left(twips(p.left))
                .right(twips(p.right))
                .header(twips(15.0))
                .footer(twips(15.0)),
        )
        .default_fonts(style.body.run_fonts())
        .default_size(style.body.half_points())
        .default_line_spacing(line)
        .add_style(
            Style::new(TITLE, StyleType::Paragraph)
                .name("Title")
                .fonts(style.title.run_fonts())
                .size(style.title.half_points())
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().before(240).after(480)),
        )
        .add_style(
            Style::new(HEADING, StyleType::Paragraph)
                .name("heading 1")
                .fonts(style.heading.run_fonts())
                .size(style.heading.half_points())
                .outline_lvl(0)
                .line_spacing(LineSpacing::new().before(240).after(120)),
        )
        .add_style(
            Style::new(BODY, StyleType::Paragraph)
                .name("Body Text")
                .fonts(style.body.run_fonts())
                .size(style.body.half_points())
                .align(AlignmentType::Both)
                .indent(
                    None,
                    Some(SpecialIndentType::FirstLine(two_chars)),
                    None,
                    None,
                )
                .first_line_chars(200),
        )
        .add_style(
            Style::new(NOTE, StyleType::Paragraph)
                .name("Note")
                .fonts(style.body.run_fonts())
                .size(style.body.half_points())
                .align(AlignmentType::Left)
                .indent(
                    None,
                    Some(SpecialIndentType::FirstLine(two_chars)),
                    None,
                    None,
                ),
        )
        .add_style(
            Style::new(CAPTION, StyleType::Paragraph)
                .name("caption")
                .fonts(style.small.run_fonts())
                .size(style.small.half_points())
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().before(120).after(120)),
        )
        .add_style(
            Style::new(CELL, StyleType::Paragraph)
                .name("Table Text")
                .fonts(style.small.run_fonts())
                .size(style.small.half_points()),
        )
        .add_style(
            Style::new(NOTE_TEXT, StyleType::Paragraph)
                .name("footnote text")
                .fonts(style.small.run_fonts())
                .size(style.small.half_points()),
        )
        .add_style({
            let mut s = Style::new(NOTE_MARK, StyleType::Character).name("footnote reference");
            s.run_property = RunProperty::new().vert_align(VertAlignType::SuperScript);
            s
        });
    for block in b.blocks {
        docx = match block {
            Block::Paragraph(p) => docx.add_paragraph(*p),
            Block::Table(t) => docx.add_table(*t),
        };
    }
    docx
}

/// The drawing ids made unique, 1, 2, … in document order: docx-rs gives every picture
/// `<wp:docPr id="1"`, and Word may call a document with repeated drawing ids unreadable.
/// Report text cannot forge the tag: its `<` is escaped.
fn number_drawings(document: &[u8]) -> Vec<u8> {
    const TAG: &[u8] = b"<wp:docPr id=\"1\"";
    let mut out = Vec::with_capacity(document.len() + 64);
    let mut rest = document;
    let mut n = 0;
    while let Some(at) = rest.windows(TAG.len()).position(|w| w == TAG) {
        n += 1;
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(format!("<wp:docPr id=\"{n}\"").as_bytes());
        rest = &rest[at + TAG.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Each footnote's number made Word's own mark (`<w:footnoteRef/>`, which docx-rs cannot
/// write): the note then shows the number Word gives its reference, and stays right when a
/// reader deletes or adds a note. The number written by [`Builder::footnote`] is what is
/// replaced, so a reader that ignores the mark still sees the note without it. Report text
/// cannot forge the run: its `<` is escaped.
fn footnote_marks(footnotes: &[u8]) -> Vec<u8> {
    let open = format!(r#"<w:rStyle w:val="{NOTE_MARK}" /></w:rPr><w:t xml:space="preserve">"#);
    let open = open.as_bytes();
    let mut out = Vec::with_capacity(footnotes.len());
    let mut rest = footnotes;
    while let Some(at) = rest.windows(open.len()).position(|w| w == open) {
        let after = &rest[at + open.len()..];
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        let close = b"</w:t>";
        let head = at + open.len() - b"<w:t xml:space=\"preserve\">".len();
        out.extend_from_slice(&rest[..head]);
        if digits > 0 && after[digits..].starts_with(close) {
            out.extend_from_slice(b"<w:footnoteRef />");
            rest = &after[digits + close.len()..];
        } else {
            rest = &rest[head..];
            out.extend_from_slice(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.extend_from_slice(rest);
    out
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The font table: each East Asian font with the next one of its list as the alternate Word
/// and WPS use where it is not installed (charset 86, GB2312), and the Latin fonts. docx-rs
/// writes a fixed table of three Latin fonts.
fn font_table(style: &DocStyle) -> Result<Vec<u8>, DocxError> {
    use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};

    let mut w = quick_xml::Writer::new(Vec::new());
    let err = |e: std::io::Error| DocxError::Xml(e.to_string());
    w.write_event(Event::Decl(BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        Some("yes"),
    )))
    .map_err(err)?;
    let mut fonts = BytesStart::new("w:fonts");
    fonts.push_attribute(("xmlns:w", W_NS));
    w.write_event(Event::Start(fonts)).map_err(err)?;
    let mut seen = BTreeSet::new();
    let mut font = |w: &mut quick_xml::Writer<Vec<u8>>,
                    name: &str,
                    alt: Option<&str>,
                    charset: &str,
                    family: &str|
     -> Result<(), DocxError> {
        if !seen.insert(name.to_string()) {
            return Ok(());
        }
        let mut start = BytesStart::new("w:font");
        start.push_attribute(("w:name", name));
        w.write_event(Event::Start(start)).map_err(err)?;
        let empty = |tag: &str, val: &str| {
            let mut e = BytesStart::new(tag.to_string());
            e.push_attribute(("w:val", val));
            Event::Empty(e)
        };
        if let Some(alt) = alt {
            w.write_event(empty("w:altName", alt)).map_err(err)?;
        }
        w.write_event(empty("w:charset", charset)).map_err(err)?;
        w.write_event(empty("w:family", family)).map_err(err)?;
        w.write_event(empty("w:pitch", "variable")).map_err(err)?;
        w.write_event(Event::End(BytesEnd::new("w:font")))
            .map_err(err)?;
        Ok(())
    };
    for (_, spec) in style.fonts() {
        for (i, name) in spec.east_asia.iter().enumerate() {
            let alt = spec.east_asia.get(i + 1).map(String::as_str);
            font(&mut w, name, alt, "86", "auto")?;
        }
    }
    for (_, spec) in style.fonts() {
        font(&mut w, &spec.latin, None, "00", "auto")?;
    }
    w.write_event(Event::End(BytesEnd::new("w:fonts")))
        .map_err(err)?;
    Ok(w.into_inner())
}

/// Zips the parts as docx-rs's own packer does, with a fixed timestamp on every entry, the XML
/// deflated and the PNGs stored (already compressed).
fn pack(xml: XMLDocx) -> Result<Vec<u8>, DocxError> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;

    let fixed = SimpleFileOptions::default()
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let deflated = fixed.compression_method(CompressionMethod::Deflated);
    let stored = fixed.compression_method(CompressionMethod::Stored);

    let mut parts: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), &xml.content_type),
        ("_rels/.rels".into(), &xml.rels),
        ("docProps/app.xml".into(), &xml.doc_props.app),
        ("docProps/core.xml".into(), &xml.doc_props.core),
        ("docProps/custom.xml".into(), &xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), &xml.document_rels),
        ("word/document.xml".into(), &xml.document),
        ("word/styles.xml".into(), &xml.styles),
        ("word/settings.xml".into(), &xml.settings),
        ("word/fontTable.xml".into(), &xml.font_table),
        ("word/comments.xml".into(), &xml.comments),
        ("word/numbering.xml".into(), &xml.numberings),
        ("word/commentsExtended.xml".into(), &xml.comments_extended),
        ("word/footnotes.xml".into(), &xml.footnotes),
    ];
    for (i, h) in xml.headers.iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), h));
        if let Some(rels) = xml.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels));
        }
    }
    for (i, f) in xml.footers.iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), f));
        if let Some(rels) = xml.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels));
        }
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in &parts {
        zip.start_file(name.as_str(), deflated)?;
        zip.write_all(bytes)?;
    }
    for (id, bytes) in &xml.media {
        zip.start_file(format!("word/media/{id}.png"), stored)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Check, Severity};
    use crate::dict::load_dict;
    use crate::model::{Fact, Level, Scope};
    use std::io::Read;

    fn dict() -> IndicatorDict {
        load_dict(None).expect("bundled dictionary")
    }

    fn fact(metric: &str, value: f64, evidence: &str) -> Fact {
        Fact {
            doc: "甲县2023.txt".into(),
            region_code: "110101".into(),
            province: "北京市".into(),
            county: "甲县".into(),
            report_year: Some(2023),
            metric: metric.into(),
            year: 2023,
            value,
            unit: "件".into(),
            evidence: evidence.into(),
            ..Fact::default()
        }
    }

    fn comparison(metric: &str, year: i32, county: &str, rank: usize, n: usize) -> ComparisonRow {
        ComparisonRow {
            basis: "year".into(),
            metric: metric.into(),
            scope: Scope::Annual,
            year,
            region_code: format!("{:06}", 110100 + rank),
            county: county.into(),
            level: Level::County,
            value: (100 - rank) as f64,
            unit: "件".into(),
            reference: None,
            rank,
            n,
            median: 50.0,
            percentile: 50.0,
            z_score: None,
            prefecture_rank: (rank == 1).then_some(1),
            prefecture_n: (rank == 1).then_some(2),
            prefecture_median: None,
            province_rank: None,
            province_n: None,
            notes: Default::default(),
        }
    }

    fn analysis() -> Analysis {
        Analysis {
            facts: vec![
                fact("reconsideration.accepted", 73.0, "受理73件"),
                fact(
                    "reconsideration.received",
                    91.0,
                    "收到<w:t>复议</w:t>申请91件 & more",
                ),
            ],
            checks: vec![Check {
                kind: "part_exceeds_whole".into(),
                severity: Severity::Error,
                region_code: "110101".into(),
                county: "甲县".into(),
                level: None,
                doc: "甲县2023.txt".into(),
                metric: "reconsideration.accepted".into(),
                year: 2023,
                reason: crate::analysis::reason::CheckReason::PartExceedsWhole {
                    part_metric: "reconsideration.accepted".into(),
                    part: 95.0,
                    whole_metric: "reconsideration.received".into(),
                    whole: 91.0,
                    lower_bound: false,
                },
                evidence: "受理95件".into(),
            }],
            derived: vec![crate::analysis::DerivedRow {
                region_code: "110101".into(),
                county: "甲县".into(),
                level: None,
                metric: "reconsideration.acceptance_rate.derived".into(),
                year: 2023,
                numerator_metric: "reconsideration.accepted".into(),
                numerator: 73.0,
                denominator_metric: "reconsideration.received".into(),
                denominator: 91.0,
                value: 80.22,
                ci_low: 70.89,
                ci_high: 87.11,
                reference: None,
                notes: Default::default(),
                evidence: String::new(),
            }],
            comparisons: vec![
                comparison("reconsideration.received", 2023, "甲县", 1, 2),
                comparison("reconsideration.received", 2023, "=HYPERLINK(\"x\")", 2, 2),
            ],
            ..Analysis::default()
        }
    }

    /// A real PNG of `w` × `h` pixels.
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        let mut writer = enc.write_header().expect("header");
        writer
            .write_image_data(&vec![128u8; (w * h) as usize])
            .expect("data");
        drop(writer);
        out
    }

    fn chart(name: &str, kind: ChartKind, w: u32, h: u32) -> Chart {
        Chart {
            name: name.into(),
            title: format!("{name} title"),
            kind,
            subject: String::new(),
            svg: String::new(),
            png: png(w, h),
            data_csv: Vec::new(),
        }
    }

    fn render(analysis: &Analysis, charts: &[Chart], lang: Lang) -> Vec<u8> {
        let dict = dict();
        render_briefing_docx(&DocxContext {
            analysis,
            review: ReviewFacts::default(),
            dict: &dict,
            charts,
            lang,
        })
        .expect("docx")
    }

    fn part(docx: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("zip");
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut text)
            .expect("utf-8");
        text
    }

    /// The text of each `w:t`, and the names of every element, of an XML part (parsing it
    /// also proves it is well-formed).
    fn texts_and_tags(xml: &str) -> (Vec<String>, Vec<String>) {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let (mut texts, mut tags) = (Vec::new(), Vec::new());
        let mut in_t = false;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    in_t = name == "w:t";
                    if in_t {
                        texts.push(String::new());
                    }
                    tags.push(name);
                }
                Event::Empty(e) => tags.push(e.name().as_ref().to_string()),
                Event::Text(t) if in_t => {
                    texts
                        .last_mut()
                        .expect("open w:t")
                        .push_str(&t.xml10_content());
                }
                Event::GeneralRef(r) if in_t => {
                    let last = texts.last_mut().expect("open w:t");
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => last.push(c),
                        _ => last.push_str(
                            quick_xml::escape::resolve_xml_entity(&r).expect("known entity"),
                        ),
                    }
                }
                Event::End(_) => in_t = false,
                Event::Eof => break,
                _ => {}
            }
        }
        (texts, tags)
    }

    #[test]
    fn same_input_gives_identical_bytes_with_fixed_timestamps() {
        let a = analysis();
        let charts = [chart("rate_a", ChartKind::Rate, 40, 30)];
        let first = render(&a, &charts, Lang::Zh);
        // docx-rs counts pictures, footnotes and paragraphs in process-wide counters: a second
        // render in the same process must not number anything differently.
        let second = render(&a, &charts, Lang::Zh);
        assert!(first == second, "two renders differ");
        let mut zip = zip::ZipArchive::new(Cursor::new(&first)).expect("zip");
        for i in 0..zip.len() {
            let entry = zip.by_index(i).expect("entry");
            assert_eq!(
                entry.last_modified(),
                Some(zip::DateTime::default()),
                "{:?}",
                entry.name()
            );
        }
    }

    #[test]
    fn findings_charts_tables_and_footnotes_are_in_the_package() {
        let charts = [
            chart("bar_x", ChartKind::Bar, 40, 30),
            chart("rate_a", ChartKind::Rate, 80, 30),
        ];
        let docx = render(&analysis(), &charts, Lang::Zh);
        let document = part(&docx, "word/document.xml");
        let (texts, tags) = texts_and_tags(&document);
        let body = texts.concat();
        assert!(body.contains("80.2%"), "{body}");
        assert!(body.contains("主要发现"), "{body}");
        // Both charts, the rate first, each the chart's own PNG, with distinct drawing ids.
        assert_eq!(tags.iter().filter(|t| *t == "w:drawing").count(), 2);
        assert!(document.contains("<wp:docPr id=\"1\""), "{document}");
        assert!(document.contains("<wp:docPr id=\"2\""), "{document}");
        assert!(
            body.find("rate_a title") < body.find("bar_x title"),
            "{body}"
        );
        assert_eq!(part_bytes(&docx, "word/media/rIdImage1.png"), charts[1].png);
        assert_eq!(part_bytes(&docx, "word/media/rIdImage2.png"), charts[0].png);
        // One comparison table: header and two rows; the formula-like name neutralised.
        assert_eq!(tags.iter().filter(|t| *t == "w:tbl").count(), 1);
        assert_eq!(tags.iter().filter(|t| *t == "w:tr").count(), 3);
        assert!(
            texts.contains(&"'=HYPERLINK(\"x\")".to_string()),
            "{texts:?}"
        );
        assert!(texts.contains(&"1/2".to_string()), "{texts:?}");
        // Report text is text: the XML stays well-formed and says what the report said.
        let notes = part(&docx, "word/footnotes.xml");
        let (note_texts, _) = texts_and_tags(&notes);
        let notes_text = note_texts.concat();
        assert!(
            notes_text.contains("收到<w:t>复议</w:t>申请91件 & more"),
            "{notes_text}"
        );
        assert!(notes_text.contains("甲县2023.txt"), "{notes_text}");
        // Every footnote reference has its footnote, numbered 1, 2, … in order.
        let refs: Vec<usize> = document
            .match_indices("<w:footnoteReference w:id=\"")
            .map(|(i, m)| {
                let rest = &document[i + m.len()..];
                rest[..rest.find('"').expect("quote")].parse().expect("id")
            })
            .collect();
        assert!(!refs.is_empty());
        assert_eq!(refs, (1..=refs.len()).collect::<Vec<_>>());
        for id in &refs {
            assert!(
                notes.contains(&format!("<w:footnote w:id=\"{id}\"")),
                "{id}"
            );
        }
        assert!(part(&docx, "[Content_Types].xml").contains("footnotes"));
        assert!(part(&docx, "word/_rels/document.xml.rels").contains("footnotes.xml"));
    }

    fn part_bytes(docx: &[u8], name: &str) -> Vec<u8> {
        let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("zip");
        let mut out = Vec::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_end(&mut out)
            .expect("read");
        out
    }

    #[test]
    fn fonts_name_office_faces_with_fallbacks_on_a4() {
        let docx = render(&analysis(), &[], Lang::Zh);
        let styles = part(&docx, "word/styles.xml");
        assert!(styles.contains("w:eastAsia=\"仿宋_GB2312\""), "{styles}");
        assert!(styles.contains("w:eastAsia=\"黑体\""), "{styles}");
        assert!(styles.contains("w:ascii=\"Times New Roman\""), "{styles}");
        let fonts = part(&docx, "word/fontTable.xml");
        assert!(
            fonts.contains("<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/>"),
            "{fonts}"
        );
        assert!(fonts.contains("<w:font w:name=\"仿宋\"><w:altName w:val=\"FangSong\"/>"));
        assert!(fonts.contains("<w:font w:name=\"黑体\"><w:altName w:val=\"SimHei\"/>"));
        texts_and_tags(&fonts);
        let document = part(&docx, "word/document.xml");
        assert!(
            document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""),
            "A4"
        );
    }

    #[test]
    fn long_lists_are_cut_and_say_where_the_rest_is() {
        let mut a = analysis();
        a.comparisons = (0..MAX_TABLES + 2)
            .flat_map(|g| {
                let n = TABLE_ROWS + 5;
                (1..=n).map(move |r| comparison("legal_aid.cases", 2000 + g as i32, "乙县", r, n))
            })
            .collect();
        let charts: Vec<Chart> = (0..MAX_CHARTS + 3)
            .map(|i| chart(&format!("bar_{i}"), ChartKind::Bar, 20, 10))
            .collect();
        let docx = render(&a, &charts, Lang::En);
        let (texts, tags) = texts_and_tags(&part(&docx, "word/document.xml"));
        let body = texts.concat();
        assert_eq!(tags.iter().filter(|t| *t == "w:tbl").count(), MAX_TABLES);
        assert_eq!(
            tags.iter().filter(|t| *t == "w:tr").count(),
            MAX_TABLES * (TABLE_ROWS + 1)
        );
        assert_eq!(
            tags.iter().filter(|t| *t == "w:drawing").count(),
            MAX_CHARTS
        );
        for want in [
            format!("({} charts in all; {MAX_CHARTS} are shown", MAX_CHARTS + 3),
            format!("({} units in all; the top {TABLE_ROWS}", TABLE_ROWS + 5),
            format!("({} comparisons in all", MAX_TABLES + 2),
            "comparisons.csv".to_string(),
        ] {
            assert!(body.contains(&want), "missing {want:?} in {body}");
        }
        assert!(body.contains("Key findings"), "{body}");
    }

    #[test]
    fn wide_charts_come_before_tall_ones_then_rates_first() {
        let charts = [
            chart("tall_rate", ChartKind::Rate, 10, 30),
            chart("bar", ChartKind::Bar, 30, 10),
            chart("rate", ChartKind::Rate, 30, 10),
            chart("trend", ChartKind::Trend, 30, 30),
        ];
        let names: Vec<&str> = key_charts(&charts)
            .expect("sizes")
            .iter()
            .map(|(c, _)| c.name.as_str())
            .collect();
        assert_eq!(names, ["rate", "trend", "bar", "tall_rate"]);
        let broken = Chart {
            png: b"not a png".to_vec(),
            ..chart("broken", ChartKind::Bar, 1, 1)
        };
        let err = key_charts(&[broken]).expect_err("not a PNG");
        assert!(err.to_string().contains("chart broken"), "{err}");
    }

    #[test]
    fn only_the_typed_note_numbers_become_footnote_marks() {
        let mark = format!(r#"<w:r><w:rPr><w:rStyle w:val="{NOTE_MARK}" /></w:rPr>"#);
        let xml = format!(
            r#"{mark}<w:t xml:space="preserve">12</w:t></w:r><w:t xml:space="preserve">3</w:t>{mark}<w:t xml:space="preserve">x</w:t></w:r>"#
        );
        let out = String::from_utf8(footnote_marks(xml.as_bytes())).expect("utf-8");
        assert_eq!(
            out,
            format!(
                r#"{mark}<w:footnoteRef /></w:r><w:t xml:space="preserve">3</w:t>{mark}<w:t xml:space="preserve">x</w:t></w:r>"#
            )
        );
    }

    #[test]
    fn a_tall_chart_fits_half_a_page() {
        let style = DocStyle::parse(BUNDLED_STYLE).expect("bundled style");
        let docx = render(
            &analysis(),
            &[chart("tall", ChartKind::Bar, 10, 100)],
            Lang::Zh,
        );
        let document = part(&docx, "word/document.xml");
        let at = document.find("<wp:extent cx=\"").expect("extent");
        let rest = &document[at..];
        let num = |key: &str| -> u32 {
            let i = rest.find(key).expect(key) + key.len();
            rest[i..i + rest[i..].find('"').expect("quote")]
                .parse()
                .expect("number")
        };
        let (cx, cy) = (num("cx=\""), num("cy=\""));
        assert_eq!(cy, emu(style.text_height_mm() / 2.0));
        assert_eq!(cx, emu(style.text_height_mm() / 2.0 / 10.0));
    }

    #[test]
    fn a_bad_style_file_is_refused_with_its_fault() {
        let no_font = BUNDLED_STYLE.replace("east_asia = [\"黑体\", \"SimHei\"]", "east_asia = []");
        let err = DocStyle::parse(&no_font).expect_err("empty font list");
        assert!(err.to_string().contains("[heading]"), "{err}");
        let margins = BUNDLED_STYLE.replace("left = 28", "left = 200");
        assert!(DocStyle::parse(&margins).is_err());
        assert!(DocStyle::parse("[page]").is_err());
    }
}
