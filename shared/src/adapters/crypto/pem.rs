//! Keys as payment consoles give them: PEM blocks, or the bare base64 of their DER.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The DER inside a PEM block with `label`, if `text` is one.
pub(super) fn pem_der(text: &str, label: &str) -> Option<Result<Vec<u8>, String>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let body = text.split_once(&begin)?.1.split_once(&end)?.0;
    Some(STANDARD.decode(strip_whitespace(body)).map_err(|_| format!("the {label} PEM block is not base64")))
}

pub(super) fn strip_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

pub(super) fn bare_der(text: &str, what: &str) -> Result<Vec<u8>, String> {
    STANDARD.decode(strip_whitespace(text)).map_err(|_| format!("{what} is neither PEM nor base64"))
}

pub(super) fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body.as_bytes().chunks(64).filter_map(|line| std::str::from_utf8(line).ok()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}
