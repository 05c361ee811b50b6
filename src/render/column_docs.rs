//! What each exported column means, in Chinese and English: the `columns` sheet of the
//! workbook, and the header of a table that has no rows.
//!
//! Invariant (checked by a test): every field that `analysis::model` serialises into a table
//! is documented here, in the same order, so a new field cannot reach a spreadsheet unexplained.

use super::Lang;

/// One documented column: (name, Chinese description, English description).
pub type ColumnDoc = (&'static str, &'static str, &'static str);

const FACTS: &[ColumnDoc] = &[
    ("doc", "来源文件名", "Source file name"),
    (
        "region_code",
        "县级行政区划代码（6位，文本）",
        "6-digit county-level division code (text)",
    ),
    ("province", "省级单位", "Province"),
    (
        "prefecture",
        "地级单位；直辖市下辖区为空",
        "Prefecture; empty under municipalities",
    ),
    ("county", "县级单位（县/区/县级市/旗）", "County-level unit"),
    ("report_year", "报告所属年度", "Year the report is about"),
    (
        "metric",
        "指标编号（见 indicators.toml）",
        "Indicator id (see indicators.toml)",
    ),
    ("year", "数值所指年度", "Year the value refers to"),
    (
        "scope",
        "口径：annual 年度 / stock 年末存量 / cumulative 累计；不同口径不可比较",
        "Scope: annual / stock (year end) / cumulative; never compared across scopes",
    ),
    (
        "value",
        "数值（单位见 unit；百分比为 0–100）",
        "Value in `unit` (percentages 0–100)",
    ),
    ("unit", "单位", "Unit"),
    (
        "qualifier",
        "表述：exact 精确 / more_than 余、多 / nearly 近、约 / derived 由文字推得",
        "How stated: exact / more_than (余, 多) / nearly (近, 约) / derived from words",
    ),
    (
        "evidence",
        "原文中给出该数值的句段",
        "The source text the value was read from",
    ),
    (
        "offset",
        "该句段在解码后全文中的字符位置",
        "Character offset of the evidence in the decoded text",
    ),
    (
        "level",
        "行政层级:county 县级、prefecture 地级、province 省级、nation 全国、department 部门",
        "Level of government: county, prefecture, province, nation or department",
    ),
    (
        "confidence",
        "可信度:high 可直接使用;review 使用前需复核",
        "high: usable as it stands; review: look again before use",
    ),
    (
        "review_reason",
        "需复核的原因(以分号分隔)",
        "Why the fact needs review (tags joined by ; )",
    ),
];

const TRENDS: &[ColumnDoc] = &[
    ("region_code", "区划代码", "Division code"),
    ("county", "县区", "County"),
    ("metric", "指标编号", "Indicator id"),
    (
        "scope",
        "口径（只在同一口径内计算变化）",
        "Scope (changes only within one scope)",
    ),
    ("year", "本期年度", "Year of this value"),
    ("value", "本期数值", "This value"),
    ("unit", "单位", "Unit"),
    ("prev_year", "上一期年度", "Year of the previous value"),
    ("prev_value", "上一期数值", "Previous value"),
    (
        "change",
        "变化量（本期 − 上期）",
        "Change (value − previous)",
    ),
    (
        "pct_change",
        "变化率 %（整个间隔）",
        "Percentage change over the whole gap",
    ),
    (
        "annual_rate",
        "间隔超过一年时的年均复合变化率 %",
        "Compound annual rate when the gap exceeds one year, %",
    ),
    ("evidence", "本期数值的原文", "Evidence of this value"),
    ("doc", "本期数值的来源文件", "Source file of this value"),
    ("note", "需要注意的事项：约数（余/近）、比率的变化为百分点、间隔多年、上期数值来源、由报告所述变化推算的数值", "What a reader must know: approximate values, a rate's change is in percentage points, a multi-year gap, the previous value's source, a value worked back from a stated change"),
    (
        "qualifier",
        "本期数值的表述：exact 精确 / more_than 余、多 / nearly 近、约 / derived 由文字推得或由后一年报告所述变化推算",
        "How this value is known: exact / more_than / nearly / derived (from words, or worked back from a change a later report states)",
    ),
];

const DERIVED: &[ColumnDoc] = &[
    ("region_code", "区划代码", "Division code"),
    ("county", "县区", "County"),
    ("metric", "计算所得指标编号", "Derived indicator id"),
    ("year", "年度", "Year"),
    ("numerator_metric", "分子指标", "Numerator indicator"),
    ("numerator", "分子数值", "Numerator value"),
    ("denominator_metric", "分母指标", "Denominator indicator"),
    ("denominator", "分母数值", "Denominator value"),
    (
        "value",
        "比率 %（分子 ÷ 分母）",
        "Rate, % (numerator ÷ denominator)",
    ),
    (
        "ci_low",
        "95% Wilson 区间下限 %",
        "Lower bound of the 95% Wilson interval, %",
    ),
    (
        "ci_high",
        "95% Wilson 区间上限 %",
        "Upper bound of the 95% Wilson interval, %",
    ),
    (
        "reference",
        "同一指标、年度的公开参考值 %（仅供对照，未并入）",
        "Published reference value for the same indicator and year, % (shown beside, never mixed in)",
    ),
    (
        "note",
        "计算说明（含替代分母等）",
        "How it was computed, including fallbacks",
    ),
    (
        "evidence",
        "分子和分母的原文",
        "Evidence of numerator and denominator",
    ),
];

const COMPARISONS: &[ColumnDoc] = &[
    (
        "basis",
        "比较方式：year 同一年度 / latest 各县最新年度",
        "Basis: year (one year) / latest (each county's latest year)",
    ),
    ("metric", "指标编号", "Indicator id"),
    ("scope", "口径", "Scope"),
    (
        "year",
        "比较年度（最新值比较时为各县最新年度）",
        "Year compared (each county's latest for latest-year comparisons)",
    ),
    ("region_code", "区划代码", "Division code"),
    ("county", "县区", "County"),
    (
        "level",
        "层级：county 县级 / prefecture 地级 / province 省级；只与同层级比较",
        "Level: county / prefecture / province; compared within its level only",
    ),
    ("value", "数值", "Value"),
    ("unit", "单位", "Unit"),
    (
        "reference",
        "公开参考值（仅供对照，不参与排名）",
        "Published reference value (shown beside, never ranked)",
    ),
    ("rank", "名次（1 = 最高）", "Rank (1 = highest)"),
    ("n", "参与比较的同层级单位数", "Number of units of the same level compared"),
    ("median", "中位数", "Median across the compared units"),
    ("percentile", "百分位（0–100）", "Percentile (0–100)"),
    (
        "z_score",
        "标准分；少于3个单位或无离散时为空",
        "z-score; empty with fewer than 3 units or zero spread",
    ),
    (
        "prefecture_rank",
        "在本地级市同层级单位中的名次；地级及以上或区划未识别时为空",
        "Rank among the compared units of the same prefecture; empty above county level or when unresolved",
    ),
    (
        "prefecture_n",
        "本地级市参与比较的单位数",
        "Units of the same prefecture compared",
    ),
    (
        "prefecture_median",
        "本地级市参与比较单位的中位数",
        "Median of the same prefecture's compared units",
    ),
    (
        "province_rank",
        "在本省同层级单位中的名次",
        "Rank among the compared units of the same province",
    ),
    (
        "province_n",
        "本省参与比较的单位数",
        "Units of the same province compared",
    ),
    (
        "note",
        "说明（如各县年度不同）",
        "Note (e.g. counties' years differ)",
    ),
];

const SLOPES: &[ColumnDoc] = &[
    ("region_code", "区划代码", "Division code"),
    ("county", "县区", "County"),
    ("metric", "指标编号", "Indicator id"),
    ("scope", "口径", "Scope"),
    ("n_years", "年度数", "Number of years"),
    ("first_year", "起始年度", "First year"),
    ("last_year", "末尾年度", "Last year"),
    (
        "slope",
        "最小二乘斜率（每年，指标单位）",
        "Least-squares slope per year, in the indicator's unit",
    ),
    (
        "ci_low",
        "斜率 95% t 区间下限",
        "Lower bound of the Student-t 95% interval",
    ),
    (
        "ci_high",
        "斜率 95% t 区间上限",
        "Upper bound of the Student-t 95% interval",
    ),
];

const CHECKS: &[ColumnDoc] = &[
    ("kind", "核查类型", "Check id"),
    (
        "severity",
        "严重程度：info / warning / error",
        "Severity: info / warning / error",
    ),
    ("region_code", "区划代码", "Division code"),
    ("county", "县区", "County"),
    ("doc", "来源文件", "Source file"),
    ("metric", "指标编号", "Indicator id"),
    ("year", "年度", "Year"),
    (
        "message",
        "发现的问题及数字",
        "What was found, with the numbers",
    ),
    ("evidence", "涉及的原文", "The evidence involved"),
];

const TIMELINESS: &[ColumnDoc] = &[
    ("doc", "来源文件", "Source file"),
    ("region_code", "区划代码", "Division code"),
    ("county", "县区", "County"),
    (
        "level",
        "层级：county 县级 / prefecture 地级 / province 省级",
        "Level: county / prefecture / province",
    ),
    ("report_year", "报告所属年度", "Year the report is about"),
    ("publish_date", "发布日期（网页所载）", "Publication date as the page gives it"),
    (
        "deadline",
        "公开期限：次年4月1日（《法治政府建设与责任落实督察工作规定》第24条）",
        "Deadline: 1 April of the following year (Regulation on rule-of-law government inspection, art. 24)",
    ),
    (
        "days_late",
        "发布日期 − 期限（天）；负数为提前，0 为当天，正数为逾期",
        "Publication date − deadline, in days; negative early, 0 on the day, positive late",
    ),
];

const WIDE_FIXED: &[ColumnDoc] = &[
    ("region_code", "区划代码", "Division code"),
    ("county", "县区", "County"),
    ("year", "年度", "Year"),
    (
        "conflicts",
        "同一县区、指标、年度、口径出现不同数值时列出全部数值（对应单元格留空）",
        "Indicators with conflicting values and every value (their cells are left empty)",
    ),
];

/// The documented columns of a table, in order; empty for an unknown table.
pub fn documented_columns(table: &str) -> &'static [ColumnDoc] {
    match table {
        "facts" => FACTS,
        "trends" => TRENDS,
        "derived" => DERIVED,
        "comparisons" => COMPARISONS,
        "slopes" => SLOPES,
        "checks" => CHECKS,
        "timeliness" => TIMELINESS,
        "wide" => WIDE_FIXED,
        _ => &[],
    }
}

/// The column names of a table, in order (the header of an empty table).
pub fn column_names(table: &str) -> Vec<&'static str> {
    documented_columns(table).iter().map(|d| d.0).collect()
}

/// The description of one column, if documented.
pub fn describe(table: &str, column: &str, lang: Lang) -> Option<&'static str> {
    documented_columns(table)
        .iter()
        .find(|d| d.0 == column)
        .map(|d| lang.pick(d.1, d.2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{
        Check, ComparisonRow, DerivedRow, Severity, SlopeRow, TimelinessRow, TrendRow,
    };
    use crate::model::{Level, Qualifier, Scope};
    use crate::render::table::rows_table;

    fn names_of<T: serde::Serialize>(table: &str, row: T) -> Vec<String> {
        rows_table(table, &[row], &[])
            .expect("flat row")
            .names()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_serialised_column_is_documented_in_order() {
        let s = String::new;
        let cases: Vec<(&str, Vec<String>)> = vec![
            (
                "trends",
                names_of(
                    "trends",
                    TrendRow {
                        region_code: s(),
                        county: s(),
                        metric: s(),
                        scope: Scope::Annual,
                        year: 0,
                        value: 0.0,
                        unit: s(),
                        prev_year: None,
                        prev_value: None,
                        change: None,
                        pct_change: None,
                        annual_rate: None,
                        evidence: s(),
                        doc: s(),
                        note: s(),
                        qualifier: Qualifier::Exact,
                    },
                ),
            ),
            (
                "derived",
                names_of(
                    "derived",
                    DerivedRow {
                        region_code: s(),
                        county: s(),
                        metric: s(),
                        year: 0,
                        numerator_metric: s(),
                        numerator: 0.0,
                        denominator_metric: s(),
                        denominator: 0.0,
                        value: 0.0,
                        ci_low: 0.0,
                        ci_high: 0.0,
                        reference: None,
                        note: s(),
                        evidence: s(),
                    },
                ),
            ),
            (
                "comparisons",
                names_of(
                    "comparisons",
                    ComparisonRow {
                        basis: s(),
                        metric: s(),
                        scope: Scope::Annual,
                        year: 0,
                        region_code: s(),
                        county: s(),
                        level: Level::County,
                        value: 0.0,
                        unit: s(),
                        reference: None,
                        rank: 1,
                        n: 1,
                        median: 0.0,
                        percentile: 0.0,
                        z_score: None,
                        prefecture_rank: None,
                        prefecture_n: None,
                        prefecture_median: None,
                        province_rank: None,
                        province_n: None,
                        note: s(),
                    },
                ),
            ),
            (
                "slopes",
                names_of(
                    "slopes",
                    SlopeRow {
                        region_code: s(),
                        county: s(),
                        metric: s(),
                        scope: Scope::Annual,
                        n_years: 3,
                        first_year: 0,
                        last_year: 0,
                        slope: 0.0,
                        ci_low: 0.0,
                        ci_high: 0.0,
                    },
                ),
            ),
            (
                "checks",
                names_of(
                    "checks",
                    Check {
                        kind: s(),
                        severity: Severity::Info,
                        region_code: s(),
                        county: s(),
                        doc: s(),
                        metric: s(),
                        year: 0,
                        message: s(),
                        evidence: s(),
                    },
                ),
            ),
            (
                "timeliness",
                names_of(
                    "timeliness",
                    TimelinessRow {
                        doc: s(),
                        region_code: s(),
                        county: s(),
                        level: Level::County,
                        report_year: None,
                        publish_date: s(),
                        deadline: None,
                        days_late: None,
                    },
                ),
            ),
        ];
        for (table, serialised) in cases {
            assert_eq!(column_names(table), serialised, "{table}");
        }
        assert_eq!(column_names("facts"), crate::model::FACT_COLUMNS.to_vec());
    }

    #[test]
    fn descriptions_exist_in_both_languages() {
        for table in [
            "facts",
            "trends",
            "derived",
            "comparisons",
            "slopes",
            "checks",
            "timeliness",
            "wide",
        ] {
            for (name, zh, en) in documented_columns(table) {
                assert!(!zh.is_empty() && !en.is_empty(), "{table}.{name}");
            }
        }
        assert_eq!(describe("facts", "unit", Lang::En), Some("Unit"));
        assert_eq!(describe("facts", "nope", Lang::Zh), None);
    }
}
