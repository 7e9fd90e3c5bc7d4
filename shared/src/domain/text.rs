//! The rules for ids and free text that every body, path and token shares.

use crate::error::ApiError;

/// Ids in paths and keys (SKUs, addresses, templates): letters, digits, `-` and `_`, 1 to 64.
pub fn validate_id(field: &str, id: &str) -> Result<(), ApiError> {
    let ok =
        !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(field, "must be 1 to 64 letters, digits, '-' or '_'"))
    }
}

/// The longest user id (a token's `sub`, a shop's `seller_id`), in bytes.
pub const MAX_USER_ID_BYTES: usize = 128;

/// Whether `id` may name a buyer or a shop: 1 to 128 of letters, digits and `-_.:@|+=`. The set
/// leaves out `#`, which separates the parts of the table's keys, and anything a log or a key
/// could misread.
pub fn is_user_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_USER_ID_BYTES
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:@|+=".contains(&b))
}

/// A user id in a body or a query (an admin naming a buyer, a shop filtering by buyer).
pub fn validate_user_id(field: &str, id: &str) -> Result<(), ApiError> {
    if is_user_id(id) {
        Ok(())
    } else {
        Err(ApiError::invalid(field, "must be 1 to 128 letters, digits or '-_.:@|+='"))
    }
}

/// Characters no text field takes: they are invisible or reorder what is shown (zero-width
/// spaces, bidi overrides and isolates, the byte-order mark, line and paragraph separators), so a
/// name or a remark could look like something else than it is.
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{2028}' | '\u{2029}')
}

/// One line of text (names, addresses, carrier names, ...): `min..=max` characters, no control
/// characters, nothing invisible or bidi.
pub fn validate_text(field: &str, text: &str, min: usize, max: usize) -> Result<(), ApiError> {
    check_text(field, text, min, max, false)
}

/// Free text that may span lines (remarks, reasons, comments): as `validate_text`, but a line
/// feed is allowed.
pub fn validate_multiline_text(field: &str, text: &str, min: usize, max: usize) -> Result<(), ApiError> {
    check_text(field, text, min, max, true)
}

fn check_text(field: &str, text: &str, min: usize, max: usize, lines: bool) -> Result<(), ApiError> {
    let chars = text.chars().count();
    if chars < min || chars > max {
        return Err(ApiError::invalid(field, format!("must be {min} to {max} characters")));
    }
    if text.chars().any(|c| c.is_control() && !(lines && c == '\n')) {
        let allowed = if lines { " (a line feed is allowed)" } else { "" };
        return Err(ApiError::invalid(field, format!("must not contain control characters{allowed}")));
    }
    if text.chars().any(is_invisible_or_bidi) {
        return Err(ApiError::invalid(field, "must not contain invisible or text-direction characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refuses_controls_and_invisible_characters() {
        assert!(validate_text("name", "Li Lei 李雷", 1, 50).is_ok());
        for bad in [
            "a\u{0}b",
            "a\tb",
            "a\nb",
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{200B}b",
            "a\u{202E}b",
            "a\u{2066}b",
            "\u{FEFF}a",
            "a\u{2028}b",
        ] {
            assert!(
                matches!(validate_text("name", bad, 1, 50), Err(ApiError::Invalid { field, .. }) if field == "name"),
                "{bad:?}"
            );
        }
        assert!(validate_multiline_text("remark", "line one\nline two", 0, 200).is_ok());
        assert!(validate_multiline_text("remark", "a\r\nb", 0, 200).is_err(), "only a line feed");
        assert!(validate_multiline_text("remark", "a\u{202E}b", 0, 200).is_err());
        assert!(validate_text("name", &"x".repeat(51), 1, 50).is_err());
    }

    #[test]
    fn user_ids_are_bounded_and_never_hold_a_key_separator() {
        assert!(is_user_id("auth0|5f7c8ec7c33c6c004bbafe82"));
        assert!(is_user_id("c4b7e2a0-1d2f-4e5a-9b8c-7d6e5f4a3b2c"));
        assert!(is_user_id("li.lei@example.com"));
        assert!(!is_user_id(""));
        assert!(!is_user_id("buyer#paid"), "# separates key parts");
        assert!(!is_user_id(&"a".repeat(129)));
        assert!(!is_user_id("李雷"));
        assert!(!is_user_id("a b"));
    }
}
