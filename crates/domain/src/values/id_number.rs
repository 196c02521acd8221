//! 居民身份证号码 (GB 11643-1999) written into free text — "法定代表人身份证号 41010219800101123X" in an appeal's
//! description — found and masked like phone numbers where a role does not need them (SPEC §9): lists and exports
//! read by leaders and administrators.
//!
//! Only a run that is a whole, valid number is masked: eighteen characters not touching other digits, a plausible
//! birth date, and the check character of GB 11643 — so that amounts, dates and 统一社会信用代码 stay as written.

use std::borrow::Cow;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// Whether `s` (18 ASCII characters) is a valid resident ID number.
pub fn is_id_number(s: &[u8]) -> bool {
    if s.len() != 18 || !s[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let digit = |i: usize| u32::from(s[i] - b'0');
    let number = |from: usize, to: usize| (from..to).fold(0, |n, i| n * 10 + digit(i));
    let (year, month, day) = (number(6, 10), number(10, 12), number(12, 14));
    if !(1900..=2099).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let sum: u32 = WEIGHTS.iter().enumerate().map(|(i, w)| w * digit(i)).sum();
    s[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

/// `text` with every ID number in it shown as its first six and last four characters (`410102********123X`): the
/// region and the check stay readable, the birth date does not.
pub fn mask_id_numbers(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // Seventeen digits may end in X.
        if i - start == 17 && i < bytes.len() && bytes[i].eq_ignore_ascii_case(&b'X') {
            i += 1;
        }
        let alone = i == bytes.len() || !bytes[i].is_ascii_alphanumeric();
        let before_alone = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if alone && before_alone && is_id_number(&bytes[start..i]) {
            found.push(start);
        }
    }
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for start in found {
        out.push_str(&text[from..start + 6]);
        out.push_str("********");
        from = start + 14;
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_in_text_are_masked_and_nothing_else() {
        // 11010519491231002X is the standard's own example.
        assert!(is_id_number(b"11010519491231002X") && is_id_number(b"11010519491231002x"));
        assert!(!is_id_number(b"110105194912310021"), "wrong check character");
        assert_eq!(
            mask_id_numbers("法定代表人身份证号11010519491231002X，电话略"),
            "法定代表人身份证号110105********002X，电话略"
        );
        assert_eq!(
            mask_id_numbers("两人：11010519491231002X、11010519491231002x。"),
            "两人：110105********002X、110105********002x。"
        );
        for kept in [
            "贷款300万元，合同号2024031500001",
            "信用代码91411600MA9XXXXX0K",
            "号码11010519491231002X9",
            "A11010519491231002X",
            "110105194913310021",
        ] {
            assert_eq!(mask_id_numbers(kept), kept, "{kept}");
        }
    }
}
