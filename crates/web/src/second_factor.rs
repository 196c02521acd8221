//! `/account/second-factor`: a user binds an authenticator app (scan the QR code, type one code), keeps the recovery
//! codes shown once, or turns the second factor off with a code. An administrator the security administrator requires
//! it of lands here after signing in and can go nowhere else first.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhuqi_api::auth::{Caller, PendingCaller};
use zhuqi_api::error::ApiError;
use zhuqi_api::security::{disable_own, enable, new_recovery_codes, refuse_if_required};
use zhuqi_auth::second_factor::{self, Enrolment};
use zhuqi_store::Store;

use super::csrf::Checked;
use super::page::{PageResult, Shell, Viewer, chinese, home_of, render_with};

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    shell: Shell,
    /// The administrator may do nothing else before this is done.
    required: bool,
    /// On: how many recovery codes are left.
    on: Option<i64>,
    /// Off: a fresh secret to bind.
    offer: Option<Enrolment>,
    /// Just turned on: the recovery codes, shown this once.
    codes: Vec<String>,
    error: String,
    flash: String,
    /// Off is refused: the security administrator requires it.
    may_turn_off: bool,
}

const NOTHING_DONE: (Vec<String>, &str) = (Vec::new(), "");

/// The frame for a user who may still have to set this up (the usual `Viewer` would send them back here).
fn viewer(c: Caller) -> Viewer {
    let csrf = c.session.as_deref().map(super::csrf::for_session).unwrap_or_default();
    Viewer { caller: c, csrf }
}

/// The page, with `codes` to show once under `flash` (what was just done) or an `error`.
async fn page(
    store: &Store,
    c: Caller,
    (codes, flash): (Vec<String>, &str),
    error: String,
    status: StatusCode,
) -> PageResult {
    let required = c.user.must_add_second_factor;
    let may_turn_off = refuse_if_required(store, &c).await.is_ok();
    let (on, offer) = match store.totp_secret(c.user.user_id).await? {
        Some(_) => (Some(store.recovery_codes_left(c.user.user_id).await?), None),
        None => (None, second_factor::enrolment(&second_factor::new_secret(), &c.user.username)),
    };
    let flash = flash.to_owned();
    let v = viewer(c);
    let page =
        SecondFactorPage { shell: v.shell("两步验证", ""), required, on, offer, codes, error, flash, may_turn_off };
    Ok(render_with(status, &page))
}

/// The caller, or where to send a browser that is not signed in or must change its password first.
fn signed_in(caller: Result<PendingCaller, ApiError>) -> Result<Caller, Redirect> {
    match caller {
        Ok(PendingCaller(c)) if !c.user.must_change_password => Ok(c),
        Ok(_) => Err(Redirect::to("/password")),
        Err(_) => Err(Redirect::to("/signin")),
    }
}

pub async fn show(State(store): State<Store>, caller: Result<PendingCaller, ApiError>) -> PageResult {
    match signed_in(caller) {
        Ok(c) => page(&store, c, NOTHING_DONE, String::new(), StatusCode::OK).await,
        Err(r) => Ok(r.into_response()),
    }
}

#[derive(Deserialize)]
pub struct TurnOn {
    secret: String,
    code: String,
}

pub async fn turn_on(
    State(store): State<Store>,
    caller: Result<PendingCaller, ApiError>,
    Checked(form): Checked<TurnOn>,
) -> PageResult {
    let c = match signed_in(caller) {
        Ok(c) => c,
        Err(r) => return Ok(r.into_response()),
    };
    match enable(&store, &c, &form.secret, &form.code).await {
        Ok(codes) => {
            // The page that shows the codes is also where a required setup ends: its link leads home.
            let c = Caller { user: store.principal(c.user.user_id).await?, ..c };
            page(&store, c, (codes, "两步验证已启用。"), String::new(), StatusCode::OK).await
        }
        Err(e) if e.status.is_client_error() => {
            page(&store, c, NOTHING_DONE, chinese(&e.message).to_owned(), e.status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A form that only proves the second factor: turning it off, renewing the recovery codes.
#[derive(Deserialize)]
pub struct TurnOff {
    code: String,
}

pub async fn turn_off(State(store): State<Store>, v: Viewer, Checked(form): Checked<TurnOff>) -> PageResult {
    let result = match refuse_if_required(&store, &v.caller).await {
        Ok(()) => disable_own(&store, &v.caller, &form.code).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(home_of(&v.caller.user.roles)).into_response()),
        Err(e) if e.status.is_client_error() => {
            page(&store, v.caller, NOTHING_DONE, chinese(&e.message).to_owned(), e.status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// New recovery codes, proved by a code; shown once.
pub async fn renew_codes(State(store): State<Store>, v: Viewer, Checked(form): Checked<TurnOff>) -> PageResult {
    match new_recovery_codes(&store, &v.caller, &form.code).await {
        Ok(codes) => {
            page(&store, v.caller, (codes, "已生成新的恢复码，原有恢复码已作废。"), String::new(), StatusCode::OK).await
        }
        Err(e) if e.status.is_client_error() => {
            page(&store, v.caller, NOTHING_DONE, chinese(&e.message).to_owned(), e.status).await
        }
        Err(e) => Err(e.into()),
    }
}
