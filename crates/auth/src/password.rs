//! Passwords (SPEC §9): argon2id hashes in PHC form, and the rule a new password must meet.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::RngExt;
use rand::seq::SliceRandom;

/// At least 8 characters from at least three of: lower case, upper case, digits, other characters.
pub fn check_rules(password: &str) -> Result<(), &'static str> {
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if password.chars().count() < 8 || classes.iter().filter(|c| **c).count() < 3 {
        return Err(
            "密码至少8位，且包含大写字母、小写字母、数字、符号中的三类 / a password needs 8 characters from three classes",
        );
    }
    Ok(())
}

/// An argon2id hash with the given 16-byte salt. Callers pass fresh random bytes; the demo passes bytes from its
/// seeded generator so that the same seed gives the same database.
pub fn hash_with_salt(password: &str, salt: &[u8; 16]) -> anyhow::Result<String> {
    let hash = Argon2::default()
        .hash_password_with_salt(password.as_bytes(), salt)
        .map_err(|e| anyhow::anyhow!("密码哈希失败 / password hashing failed: {e}"))?;
    Ok(hash.to_string())
}

pub fn verify(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// A one-time password: 14 characters from four classes, without look-alikes (0/O, 1/l/I).
pub fn generate() -> String {
    const CLASSES: [&[u8]; 4] = [b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"abcdefghijkmnpqrstuvwxyz", b"23456789", b"@#%+=?"];
    let mut rng = rand::rng();
    let mut chars: Vec<u8> = [4, 4, 4, 2]
        .iter()
        .zip(CLASSES)
        .flat_map(|(n, class)| (0..*n).map(|_| class[rng.random_range(0..class.len())]).collect::<Vec<_>>())
        .collect();
    chars.shuffle(&mut rng);
    // Never a symbol first: a spreadsheet opening the passwords file would take "=…" or "+…" for a formula.
    if let Some(letter) = chars.iter().position(u8::is_ascii_alphanumeric) {
        chars.swap(0, letter);
    }
    String::from_utf8_lossy(&chars).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(check_rules("Demo@2026").is_ok());
        assert!(check_rules("abcdef12").is_err(), "two classes");
        assert!(check_rules("Ab1!").is_err(), "too short");
        assert!(check_rules("zhuqi2026ZQ").is_ok());
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let phc = hash_with_salt("Demo@2026", &[7; 16]).expect("hash");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("Demo@2026", &phc));
        assert!(!verify("demo@2026", &phc));
    }
}
