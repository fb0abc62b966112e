//! Rules for text that people type: what counts as visible.

/// Characters that take no space on screen: zero-width spaces and joiners,
/// soft hyphens, fillers, variation selectors, tags, byte-order marks, and
/// every control and whitespace character.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// True when nothing of `text` would show: empty, or only invisible characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_invisible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_text_is_blank() {
        for blank in [
            "",
            "   ",
            "\u{200B}".repeat(8).as_str(),
            "\u{FEFF}\u{2060}\u{00AD}",
            "\u{3164}\u{115F}",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for visible in ["Ann", " a ", "\u{200B}x", "李"] {
            assert!(!is_blank(visible), "{visible:?}");
        }
    }
}
