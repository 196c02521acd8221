//! The second factor (issue 14, SPEC §9): time-based codes as RFC 6238 defines them and every common authenticator app
//! makes them (HMAC-SHA1, six digits, a new code every 30 seconds, one step of clock drift either way), and one-time
//! recovery codes for a lost phone. The store keeps what makes each good only once.

use jiff::Timestamp;
use rand::RngExt;
use totp_rs::{Builder, Secret, Totp};
use zhuqi_store::{RECOVERY_CODES, SecondFactor, hash_secret};

/// The issuer an authenticator app shows beside the account.
const ISSUER: &str = "助企通";
/// Recovery codes are drawn from letters and digits that cannot be misread for one another.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// What a user needs to add zhuqi to an authenticator app.
pub struct Enrolment {
    /// Base32, as typed into an app by hand.
    pub secret: String,
    /// `otpauth://totp/…`, as a QR code carries it.
    pub url: String,
    /// The QR code of `url`, an SVG element.
    pub qr_svg: String,
}

/// A fresh secret of 160 bits (RFC 4226's recommended length), base32.
pub fn new_secret() -> String {
    Secret::new_stack(rand::rng().random()).to_base32()
}

fn totp(secret: &str, username: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    // A user name with ':' cannot be an otpauth label; the code is the same without it.
    let account = username.replace(':', "_");
    Builder::new().with_secret(secret).with_issuer(Some(ISSUER)).with_account_name(account).build().ok()
}

/// The link and QR code for `secret`; `None` when the secret is not base32 of a usable length.
pub fn enrolment(secret: &str, username: &str) -> Option<Enrolment> {
    let url = totp(secret, username)?.to_url().ok()?;
    let qr = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let qr_svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    // The renderer writes an XML declaration; inside a page only the element belongs.
    let qr_svg = qr_svg.find("<svg").map_or(qr_svg.clone(), |at| qr_svg[at..].to_owned());
    Some(Enrolment { secret: secret.to_owned(), url, qr_svg })
}

/// The 30-second step whose code `code` is, within a step of `now`; `None` when it matches none.
pub fn matching_step(secret: &str, code: &str, now: Timestamp) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds = u64::try_from(now.as_second()).ok()?;
    totp(secret, "")?.check(&code, seconds).and_then(|step| i64::try_from(step).ok())
}

/// What the user typed as a second factor: six digits are a code of the authenticator (checked against `secret`
/// here), anything else is taken for a recovery code (checked by the store, which holds their hashes). `None` when
/// neither could be right.
pub fn factor_of(secret: &str, typed: &str, now: Timestamp) -> Option<SecondFactor> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    if typed.chars().filter(|c| !c.is_whitespace()).all(|c| c.is_ascii_digit()) {
        return matching_step(secret, typed, now).map(SecondFactor::Step);
    }
    Some(SecondFactor::Recovery(hash_secret(&normal_recovery_code(typed))))
}

/// A recovery code as stored: lower case, without the dash and spaces people type or leave out.
fn normal_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Ten new recovery codes (`xxxxx-xxxxx`, about 49 bits each) and their stored hashes.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut rng = rand::rng();
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            loop {
                let c: String = (0..10)
                    .map(|_| char::from(RECOVERY_ALPHABET[rng.random_range(0..RECOVERY_ALPHABET.len())]))
                    .collect();
                // All digits would read as an authenticator's code.
                if c.bytes().any(|b| b.is_ascii_alphabetic()) {
                    break format!("{}-{}", &c[..5], &c[5..]);
                }
            }
        })
        .collect();
    let hashes = codes.iter().map(|c| hash_secret(&normal_recovery_code(c))).collect();
    (codes, hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_and_its_neighbours_only() {
        let secret = new_secret();
        let t = totp(&secret, "a").expect("totp");
        let now = Timestamp::from_second(1_800_000_015).expect("time");
        let code = t.generate(1_800_000_015).to_string();
        assert_eq!(matching_step(&secret, &code, now), Some(60_000_000));
        assert_eq!(matching_step(&secret, &code, now + jiff::SignedDuration::from_secs(30)), Some(60_000_000));
        assert_eq!(matching_step(&secret, &code, now + jiff::SignedDuration::from_secs(90)), None);
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step("not base32!", &code, now), None);
    }

    #[test]
    fn recovery_codes_are_read_however_they_are_typed() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert_eq!(factor_of("", &typed, Timestamp::now()), Some(SecondFactor::Recovery(hashes[0].clone())));
        assert!(enrolment(&new_secret(), "secadmin").is_some_and(|e| e.qr_svg.starts_with("<svg")));
    }
}
