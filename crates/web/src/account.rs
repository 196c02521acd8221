//! Signing in and out, changing one's password, and an enterprise's own sign-up (企业注册).

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhuqi_api::auth::{Caller, PendingCaller, change_own_password, cleared_cookie, open_session, session_cookie};
use zhuqi_api::error::ApiError;
use zhuqi_store::Store;

use super::csrf::{self, Checked};
use super::page::{Viewer, chinese, error_response, home_of, render_with};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    heading: &'static str,
    change: bool,
    /// The account has a second factor: the form asks for its code.
    ask_code: bool,
    username: String,
    error: String,
    notice: String,
    csrf: String,
}

/// `/`: each role's home page, or sign-in.
pub async fn home(caller: Result<Caller, ApiError>) -> Response {
    match caller {
        Ok(c) => Redirect::to(home_of(&c.user.roles)).into_response(),
        Err(e) if e.code == "password_change_required" => Redirect::to("/password").into_response(),
        Err(e) if e.code == "second_factor_setup_required" => Redirect::to("/account/second-factor").into_response(),
        Err(_) => Redirect::to("/signin").into_response(),
    }
}

fn signin_form(headers: &HeaderMap, status: StatusCode, username: String, error: String, ask_code: bool) -> Response {
    let (csrf, set) = csrf::anonymous(headers);
    let page = AccountPage { heading: "登录", change: false, ask_code, username, error, notice: String::new(), csrf };
    csrf::with_cookie(render_with(status, &page), set)
}

#[derive(Deserialize)]
pub struct Arrival {
    registered: Option<String>,
}

pub async fn signin_page(headers: HeaderMap, Query(a): Query<Arrival>) -> Response {
    let (csrf, set) = csrf::anonymous(&headers);
    let notice =
        if a.registered.is_some() { "注册成功，请用刚才设置的用户名和密码登录。" } else { "" };
    let page = AccountPage {
        heading: "登录",
        change: false,
        ask_code: false,
        username: String::new(),
        error: String::new(),
        notice: notice.to_owned(),
        csrf,
    };
    csrf::with_cookie(render_with(StatusCode::OK, &page), set)
}

#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    /// The authenticator's code, for an account with a second factor.
    #[serde(default)]
    code: Option<String>,
}

pub async fn signin(
    State(store): State<Store>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Checked(form): Checked<SignInForm>,
) -> Response {
    match open_session(&store, &form.username, form.password, form.code, &addr.ip().to_string()).await {
        Ok((user, secret)) => match session_cookie(&secret, &headers) {
            Ok(cookie) => {
                let next = if user.must_change_password {
                    "/password"
                } else if user.must_add_second_factor {
                    "/account/second-factor"
                } else {
                    home_of(&user.roles)
                };
                ([(SET_COOKIE, cookie)], Redirect::to(next)).into_response()
            }
            Err(e) => e.into_response(),
        },
        // What the user typed stays in the form; the message says what to do.
        Err(e) if e.status.is_client_error() => {
            let ask_code = e.code == "second_factor_required";
            signin_form(&headers, e.status, form.username, chinese(&e.message).to_owned(), ask_code)
        }
        Err(e) => error_response(e),
    }
}

fn password_form(c: &Caller, status: StatusCode, error: String) -> Response {
    let csrf = c.session.as_deref().map(csrf::for_session).unwrap_or_default();
    let page = AccountPage {
        heading: "修改密码",
        change: true,
        ask_code: false,
        username: String::new(),
        error,
        notice: String::new(),
        csrf,
    };
    render_with(status, &page)
}

pub async fn password_page(caller: Result<PendingCaller, ApiError>) -> Response {
    match caller {
        Ok(PendingCaller(c)) => password_form(&c, StatusCode::OK, String::new()),
        Err(_) => Redirect::to("/signin").into_response(),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    old_password: String,
    new_password: String,
}

pub async fn change_password(
    State(store): State<Store>,
    caller: Result<PendingCaller, ApiError>,
    Checked(form): Checked<PasswordForm>,
) -> Response {
    let Ok(PendingCaller(c)) = caller else { return Redirect::to("/signin").into_response() };
    match change_own_password(&store, &c, form.old_password, form.new_password).await {
        Ok(()) if c.user.must_add_second_factor => Redirect::to("/account/second-factor").into_response(),
        Ok(()) => Redirect::to(home_of(&c.user.roles)).into_response(),
        Err(e) if e.status.is_client_error() => {
            password_form(&c, StatusCode::UNPROCESSABLE_ENTITY, chinese(&e.message).to_owned())
        }
        Err(e) => error_response(e),
    }
}

pub async fn signout(
    State(store): State<Store>,
    caller: Result<PendingCaller, ApiError>,
    _: Checked<csrf::Nothing>,
) -> Response {
    if let Ok(PendingCaller(c)) = caller
        && let Some(session) = &c.session
        && let Err(e) = store.sign_out(&c.user, session, &c.source).await
    {
        return error_response(ApiError::from(e));
    }
    ([(SET_COOKIE, cleared_cookie())], Redirect::to("/signin")).into_response()
}

/// `/session/token`: the form token of the signed-in session, for a page whose session ended while it was being
/// filled in and was signed in again elsewhere (assets/session.js). Asking keeps the session alive. Another site's page
/// cannot read the answer (no CORS); without a session it is 401 and says nothing.
pub async fn session_token(v: Result<Viewer, Response>) -> Response {
    use axum::http::header::CACHE_CONTROL;
    match v {
        Ok(v) => ([(CACHE_CONTROL, "no-store")], v.csrf).into_response(),
        Err(_) => (StatusCode::UNAUTHORIZED, [(CACHE_CONTROL, "no-store")], "").into_response(),
    }
}
