//! The chart font: WenQuanYi Micro Hei, compiled in so PNG labels render as Chinese on a
//! machine with no CJK font (licence: assets/fonts/LICENSE-wqy-microhei.txt).
//!
//! plotters' `ab_glyph` backend looks fonts up by family name, so the font is registered under
//! the exact CSS family list the SVG writes: the browser then picks a CJK font from that list
//! and the PNG rasteriser finds the bundled face. Only the first face of the `.ttc` is read.

use std::sync::OnceLock;

use plotters::style::{register_font, FontStyle};

use super::ChartError;

/// Font family of every chart label: CJK fonts first, as a CSS list (SVG) and as the name the
/// bundled font is registered under (PNG).
pub const FAMILY: &str =
    "\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif";

static WQY_MICRO_HEI: &[u8] = include_bytes!("../../../assets/fonts/wqy-microhei.ttc");

/// Registers the bundled font once per process (also as `sans-serif`, plotters' default, so a
/// label drawn without an explicit family still finds CJK glyphs).
pub fn ensure_registered() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        [FAMILY, "sans-serif"].iter().all(|name| {
            register_font(name, FontStyle::Normal, WQY_MICRO_HEI).is_ok()
                && register_font(name, FontStyle::Bold, WQY_MICRO_HEI).is_ok()
        })
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

/// The bundled face, for the PNG backend's own text layout.
pub fn face() -> Result<ab_glyph::FontRef<'static>, ChartError> {
    ab_glyph::FontRef::try_from_slice(WQY_MICRO_HEI).map_err(|_| ChartError::Font)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    /// Renders one string in the bundled family and returns the pixels.
    fn ink(text: &str) -> Vec<u8> {
        let mut buf = vec![255u8; 64 * 64 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (64, 64)).into_drawing_area();
            root.draw(&Text::new(text, (4, 4), (FAMILY, 40.0).into_font()))
                .expect("draws");
            root.present().expect("presents");
        }
        buf
    }

    #[test]
    fn chinese_glyphs_are_drawn_not_boxes() {
        ensure_registered().expect("font registers");
        let blank = vec![255u8; 64 * 64 * 3];
        let (guan, xian, private_use) = (ink("冠"), ink("县"), ink("\u{E000}"));
        assert_ne!(guan, blank, "no ink for 冠");
        // A font without these glyphs draws the same .notdef box for both characters.
        assert_ne!(guan, xian, "冠 and 县 drew the same glyph (a box?)");
        assert_ne!(guan, private_use, "冠 drew like an unmapped code point");
    }
}
