//! How a file is named when it is downloaded, by the pages and the API alike.

/// `attachment; filename="….xlsx"; filename*=UTF-8''%E5%91%A8…` (RFC 6266): the Chinese name for every browser
/// that reads `filename*`, an ASCII one for the few that do not.
pub fn attachment(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-.".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_percent_encoded() {
        let d = super::attachment("周口市-月通报-2023-07.xlsx");
        assert!(d.starts_with("attachment; filename=\"___-___-2023-07.xlsx\"; filename*=UTF-8''%E5%91%A8"), "{d}");
        assert!(d.ends_with("-2023-07.xlsx"));
        assert!(d.is_ascii());
    }
}
