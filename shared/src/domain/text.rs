//! The rules for ids and free text that every body and path shares.

use crate::error::ApiError;

/// Ids in paths and keys: letters, digits, `-` and `_`, 1 to 64 of them.
pub fn validate_id(field: &str, id: &str) -> Result<(), ApiError> {
    let ok =
        !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(field, "must be 1 to 64 letters, digits, '-' or '_'"))
    }
}

/// Free text of `min..=max` characters without control characters.
pub fn validate_text(field: &str, text: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let chars = text.chars().count();
    if chars < min || chars > max {
        return Err(ApiError::invalid(field, format!("must be {min} to {max} characters")));
    }
    if text.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, "must not contain control characters"));
    }
    Ok(())
}
