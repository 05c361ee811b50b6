//! Place names for English readers: 阳谷县 → `Yanggu County (阳谷县)`. The name's suffix (县, 区,
//! 自治县, 旗, …) is translated by the `place_suffixes.*` labels, the rest is romanised in
//! pinyin, syllables joined as in official place names (Xi'an keeps its apostrophe before a
//! syllable starting with a, o or e), and the Chinese name follows in brackets, so a reader
//! can still match it with the report. The pinyin crate gives each character its most common
//! reading, which can be wrong in a place name (长 in 长春 is cháng, not zhǎng): the
//! `place_names.*` labels override the romanisation of a whole stem (长春 → Changchun), and an
//! edited copy (`--labels FILE`) adds more without a rebuild.

use std::borrow::Cow;
use std::collections::HashMap;

use pinyin::ToPinyin;

use super::labels::installed;
use super::Lang;
use crate::analysis::Analysis;
use crate::model::Fact;

/// The analysis as an English reader sees it: every place name (county, prefecture,
/// province) with its romanisation beside it, for the page, the briefing and the charts. The
/// tables keep the names as the reports give them (stable keys to join on) and carry the
/// romanisation in columns of their own (`county_en`). Each distinct name is romanised once.
pub fn placed(analysis: &Analysis) -> Analysis {
    let mut names: HashMap<String, String> = HashMap::new();
    let mut en = |name: &mut String| {
        if name.is_empty() {
            return;
        }
        let shown = names
            .entry(name.clone())
            .or_insert_with(|| place(name, Lang::En).into_owned());
        name.clone_from(shown);
    };
    let mut a = analysis.clone();
    let fact = |f: &mut Fact, en: &mut dyn FnMut(&mut String)| {
        en(&mut f.county);
        en(&mut f.prefecture);
        en(&mut f.province);
    };
    for f in a
        .facts
        .iter_mut()
        .chain(a.repeats.iter_mut())
        .chain(a.derived_points.iter_mut())
    {
        fact(f, &mut en);
    }
    a.conflicts.iter_mut().for_each(|r| en(&mut r.county));
    a.trends.iter_mut().for_each(|r| en(&mut r.county));
    a.derived.iter_mut().for_each(|r| en(&mut r.county));
    a.comparisons.iter_mut().for_each(|r| en(&mut r.county));
    a.slopes.iter_mut().for_each(|r| en(&mut r.county));
    a.checks.iter_mut().for_each(|r| en(&mut r.county));
    a.timeliness.iter_mut().for_each(|r| en(&mut r.county));
    a
}

/// A place name as a reader of `lang` needs it: the name itself in Chinese; in English its
/// romanisation beside it (`Yanggu County (阳谷县)`). Empty names, and names with nothing to
/// romanise (already Latin), stay as they are.
pub fn place(name: &str, lang: Lang) -> Cow<'_, str> {
    if !lang.is_en() {
        return Cow::Borrowed(name);
    }
    match romanise(name) {
        Some(latin) => Cow::Owned(format!("{latin} ({name})")),
        None => Cow::Borrowed(name),
    }
}

/// [`romanise`] as a table cell: empty for a name without Chinese characters. Each name is
/// romanised once per thread (a table repeats its counties on every row).
pub fn romanised(name: &str) -> String {
    thread_local! {
        static SEEN: std::cell::RefCell<HashMap<String, String>> = Default::default();
    }
    SEEN.with(|seen| {
        if let Some(latin) = seen.borrow().get(name) {
            return latin.clone();
        }
        let latin = romanise(name).unwrap_or_default();
        seen.borrow_mut().insert(name.to_string(), latin.clone());
        latin
    })
}

/// The romanisation alone (`Guan County`); `None` for a name without Chinese characters.
pub fn romanise(name: &str) -> Option<String> {
    let name = name.trim();
    if !name.chars().any(is_han) {
        return None;
    }
    let labels = installed();
    // The longest suffix the table knows (自治县 before 县); a name that is only a suffix
    // keeps it as its stem (a district called 城区 is 城 plus 区).
    let best = longest_ending(name, "place_suffixes.");
    let (mut stem, suffix) = match best {
        Some((suffix, en)) => (&name[..name.len() - suffix.len()], Some(en)),
        None => (name, None),
    };
    // An autonomous unit names its peoples before the suffix (峨边彝族自治县, 双江拉祜族佤族
    // 布朗族傣族自治县): each is a word of its own (`Ebian Yi Autonomous County`).
    let mut peoples: Vec<&str> = Vec::new();
    while let Some((people, en)) = longest_ending(stem, "ethnic_groups.") {
        stem = &stem[..stem.len() - people.len()];
        peoples.insert(0, en);
    }
    let mut words = vec![match labels.get(&format!("place_names.{stem}"), Lang::En) {
        Some(given) => given.to_string(),
        None => syllables(stem),
    }];
    words.extend(peoples.into_iter().map(String::from));
    words.extend(suffix.map(String::from));
    words.retain(|w| !w.is_empty());
    Some(words.join(" "))
}

/// The longest key of the labels section `section` (`ethnic_groups.`) that `text` ends with,
/// leaving at least one character before it, and its English text.
fn longest_ending(text: &str, section: &str) -> Option<(&'static str, &'static str)> {
    let labels = installed();
    let mut best: Option<(&'static str, &'static str)> = None;
    for key in labels.keys() {
        let Some(ending) = key.strip_prefix(section) else {
            continue;
        };
        let longer = best.is_none_or(|(s, _)| ending.len() > s.len());
        if text.ends_with(ending) && text.len() > ending.len() && longer {
            if let Some(en) = labels.get(key, Lang::En) {
                best = Some((ending, en));
            }
        }
    }
    best
}

/// The pinyin of `text` as one capitalised word (`阳谷` → `Yanggu`, `西安` → `Xi'an`); a
/// character without a reading is kept as it is.
fn syllables(text: &str) -> String {
    let mut out = String::new();
    for (ch, reading) in text.chars().zip(text.to_pinyin()) {
        let Some(p) = reading else {
            out.push(ch);
            continue;
        };
        let syllable = p.plain();
        if !out.is_empty() && syllable.starts_with(['a', 'o', 'e']) {
            out.push('\'');
        }
        out.push_str(syllable);
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => out,
    }
}

/// A CJK unified ideograph.
fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x2A6DF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counties_districts_banners_and_overrides() {
        for (name, want) in [
            ("冠县", "Guan County (冠县)"),
            ("环翠区", "Huancui District (环翠区)"),
            ("大竹县", "Dazhu County (大竹县)"),
            // The longest suffix wins: 自治县, not 县.
            (
                "峨边彝族自治县",
                "Ebian Yi Autonomous County (峨边彝族自治县)",
            ),
            ("鄂托克旗", "Etuoke Banner (鄂托克旗)"),
            ("山东省", "Shandong Province (山东省)"),
            ("聊城市", "Liaocheng City (聊城市)"),
            // 长 reads zhǎng by default; the override table gives Changsha.
            ("长沙县", "Changsha County (长沙县)"),
            // An apostrophe before a syllable starting with a vowel.
            ("西安市", "Xi'an City (西安市)"),
        ] {
            assert_eq!(place(name, Lang::En), want, "{name}");
            assert_eq!(place(name, Lang::Zh), name, "{name}");
        }
        assert_eq!(place("", Lang::En), "");
        assert_eq!(place("Hong Kong", Lang::En), "Hong Kong");
    }
}
