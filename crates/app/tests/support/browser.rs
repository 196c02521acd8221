//! A real browser for page tests: Debian's headless Chromium driven over WebDriver (chromedriver, fantoccini), pointed
//! at a test server. Every page the browser lands on is saved as a PNG under
//! `<target>/screenshots/<test>-<backend>/<NN>-<user>-<page>.png`, so a reviewer can look at what the test saw.
//!
//! Without Chromium the tests print a note and pass, except under CI (`CI` set), where they fail.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::support::Server;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (360, 740);
/// How long a page may take to load after a click or a form submission.
const LOAD: Duration = Duration::from_secs(20);
/// The tallest full-page screenshot.
const MAX_SHOT_HEIGHT: u32 = 6000;

/// `<workspace>/target`, or `CARGO_TARGET_DIR` when set.
pub fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    }
}

/// Is a browser there? `None` (with a printed note) when it is not and CI does not require it.
fn available(test: &str) -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|p| !Path::new(p).exists()).collect();
    if missing.is_empty() {
        return true;
    }
    let ci = std::env::var("CI").map(|v| !v.is_empty() && v != "false" && v != "0").unwrap_or(false);
    assert!(!ci, "{test}: {} missing; CI must install chromium and chromium-driver (.ci/run)", missing.join(", "));
    eprintln!(
        "{test}: skipped, {} not installed (apt-get install chromium chromium-driver fonts-noto-cjk)",
        missing.join(", ")
    );
    false
}

/// chromedriver on a free loopback port, in its own process group so that it and the Chromium it starts die with it.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        use std::os::unix::process::CommandExt;
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        Driver { child, port }
    }

    async fn wait(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(Instant::now() < deadline, "chromedriver did not listen on port {} within 20 s", self.port);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browser processes it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Browser {
    client: Client,
    /// The server's root URL, without a trailing slash: `http://127.0.0.1:PORT`.
    pub base: String,
    dir: PathBuf,
    shots: u32,
    /// Who is signed in, for the screenshots' names.
    who: Option<String>,
    size: (u32, u32),
    /// What the window adds around the page's viewport.
    frame: (u32, u32),
    /// Screenshots show the whole page (the tests' record) or only what the window shows (the README's pictures).
    pub full_page: bool,
    driver: Driver,
}

impl Browser {
    /// A fresh browser (no cookies) on `server`, saving its screenshots in `screenshots/<test>-<backend>/` (emptied
    /// first). `None` when there is no browser on this machine and CI does not require one.
    pub async fn open(test: &str, server: &Server) -> Option<Browser> {
        let base = server.base.trim_end_matches('/').trim_end_matches("/api/v1");
        Browser::open_at(&format!("{test}-{}", server.backend), base).await
    }

    /// A fresh browser on the server at `base` (`http://127.0.0.1:PORT`), saving to `screenshots/<name>/`.
    pub async fn open_at(name: &str, base: &str) -> Option<Browser> {
        let test = name;
        if !available(test) {
            return None;
        }
        let base = base.to_owned();
        let dir = target_dir().join("screenshots").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));

        let mut driver = Driver::start();
        driver.wait().await;
        let caps = json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--window-size=1280,900",
                    "--lang=zh-CN",
                ],
                "prefs": { "intl.accept_languages": "zh-CN,zh" },
            }
        });
        let Value::Object(caps) = caps else { unreachable!() };
        let url = format!("http://127.0.0.1:{}", driver.port);
        let mut tries = 0;
        let client = loop {
            match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) if tries < 5 => {
                    tries += 1;
                    eprintln!("{test}: new WebDriver session failed ({e}), retrying");
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(e) => panic!("{test}: cannot open a Chromium session through chromedriver: {e}"),
            }
        };
        let mut b =
            Browser { client, base, dir, shots: 0, who: None, size: DESKTOP, frame: (0, 0), full_page: true, driver };
        b.resize(DESKTOP).await;
        Some(b)
    }

    /// Ends the WebDriver session (Chromium quits); the driver is stopped on drop.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    // ---- navigation ---------------------------------------------------------------------------------------------

    /// Opens `path` (relative to the server's root) and saves a screenshot.
    pub async fn goto(&mut self, path: &str) {
        let url = format!("{}{path}", self.base);
        if let Err(e) = self.client.goto(&url).await {
            panic!("{}", self.failure(&format!("goto {path}: {e}")).await);
        }
        self.shot_page("").await;
    }

    /// The current path and query, e.g. `/appeals/12`.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Signs in through `form#signin` and screenshots the page it lands on. Panics if it stays on /signin.
    pub async fn sign_in(&mut self, username: &str, password: &str) {
        if !self.path().await.starts_with("/signin") || !self.exists("form#signin").await {
            self.goto("/signin").await;
        }
        self.fill("form#signin input[name=username]", username).await;
        self.fill("form#signin input[name=password]", password).await;
        self.who = Some(username.to_owned());
        self.submit("form#signin").await;
        if self.path().await.starts_with("/signin") {
            let err = self.text_or_empty(".form-error, .field-error").await;
            panic!("{}", self.failure(&format!("sign-in as {username} failed: {err}")).await);
        }
    }

    /// Signs out through `form#signout` in the page header.
    pub async fn sign_out(&mut self) {
        self.who = None;
        self.submit("form#signout").await;
    }

    /// Clicks the element. A link or a submit button loads a page: this waits for it and saves a screenshot. Other
    /// elements (radio buttons, check boxes) are just clicked.
    pub async fn click(&mut self, css: &str) {
        let el = self.find_to_use(css).await;
        let tag = el.tag_name().await.unwrap_or_default().to_lowercase();
        let kind = el.attr("type").await.ok().flatten().unwrap_or_default().to_lowercase();
        let href = el.attr("href").await.ok().flatten();
        let in_form = self.client.execute("return arguments[0].form != null", vec![json!(el)]).await;
        let loads = (tag == "a" && href.is_some())
            || (tag == "button" && (kind.is_empty() || kind == "submit") && matches!(in_form, Ok(Value::Bool(true))))
            || (tag == "input" && (kind == "submit" || kind == "image"));
        if !loads {
            if let Err(e) = el.click().await {
                panic!("{}", self.failure(&format!("click {css}: {e}")).await);
            }
            return;
        }
        let hint = hint_of(&el).await;
        self.mark().await;
        if let Err(e) = el.click().await {
            panic!("{}", self.failure(&format!("click {css}: {e}")).await);
        }
        self.wait_load(css).await;
        self.shot_page(&hint).await;
    }

    /// Submits the form by its (only) submit button, waits for the page it leads to and saves a screenshot.
    pub async fn submit(&mut self, form: &str) {
        let f = self.find_to_use(form).await;
        let hint = hint_of(&f).await;
        let button = match f.find(Locator::Css("button:not([type=button]):not([type=reset]), input[type=submit]")).await
        {
            Ok(b) => b,
            Err(e) => panic!("{}", self.failure(&format!("{form} has no submit button: {e}")).await),
        };
        self.mark().await;
        if let Err(e) = button.click().await {
            panic!("{}", self.failure(&format!("submit {form}: {e}")).await);
        }
        self.wait_load(form).await;
        self.shot_page(&hint).await;
    }

    /// Marks the current document, so that `wait_load` sees when another has replaced it.
    async fn mark(&self) {
        let _ = self.client.execute("window.__zqOld = true; return null", vec![]).await;
    }

    async fn wait_load(&mut self, what: &str) {
        let deadline = Instant::now() + LOAD;
        loop {
            let loaded = self
                .client
                .execute("return window.__zqOld !== true && document.readyState === 'complete'", vec![])
                .await;
            if matches!(loaded, Ok(Value::Bool(true))) {
                return;
            }
            if Instant::now() > deadline {
                panic!("{}", self.failure(&format!("no new page within {LOAD:?} after {what}")).await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // ---- forms --------------------------------------------------------------------------------------------------

    /// Clears the input or textarea and types `text`. For `input[type=file]`, `text` is the file's path.
    pub async fn fill(&mut self, css: &str, text: &str) {
        let el = self.find_to_use(css).await;
        let kind = el.attr("type").await.ok().flatten().unwrap_or_default();
        if kind != "file"
            && let Err(e) = el.clear().await
        {
            panic!("{}", self.failure(&format!("clear {css}: {e}")).await);
        }
        if let Err(e) = el.send_keys(text).await {
            panic!("{}", self.failure(&format!("type into {css}: {e}")).await);
        }
    }

    /// Ticks a radio button or check box; through its label when the input itself is hidden (styled stars).
    pub async fn check(&mut self, css: &str) {
        let el = self.find_to_use(css).await;
        if el.click().await.is_err() {
            let label = self
                .client
                .execute(
                    "const i = arguments[0]; \
                     const l = i.closest('label') || (i.id && document.querySelector('label[for=\"' + i.id + '\"]')); \
                     if (!l) return false; l.click(); return true;",
                    vec![json!(el)],
                )
                .await;
            if !matches!(label, Ok(Value::Bool(true))) {
                panic!("{}", self.failure(&format!("cannot tick {css}, nor its label")).await);
            }
        }
        if !el.is_selected().await.unwrap_or(false) {
            panic!("{}", self.failure(&format!("{css} is not ticked after clicking it")).await);
        }
    }

    /// Chooses the option of value `value` in the select (adds it, in a multiple select).
    pub async fn select(&mut self, css: &str, value: &str) {
        let el = self.find_to_use(css).await;
        if let Err(e) = el.select_by_value(value).await {
            let options = self.client.execute(
                "return Array.from(arguments[0].options).map(o => o.value + '=' + o.text).join(', ')",
                vec![json!(el)],
            );
            let options = options.await.map(|v| v.to_string()).unwrap_or_default();
            panic!("{}", self.failure(&format!("select {value} in {css} (options: {options}): {e}")).await);
        }
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    /// The rendered text of the first element matching `css` (panics if there is none).
    pub async fn text(&mut self, css: &str) -> String {
        let el = self.find(css).await;
        el.text().await.expect("text").trim().to_owned()
    }

    /// The rendered texts of all elements matching `css`.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for el in self.client.find_all(Locator::Css(css)).await.unwrap_or_default() {
            out.push(el.text().await.unwrap_or_default().trim().to_owned());
        }
        out
    }

    async fn text_or_empty(&self, css: &str) -> String {
        self.texts(css).await.join(" ")
    }

    /// The attribute `name` of the first element matching `css` (panics if there is no such element).
    pub async fn attr(&mut self, css: &str, name: &str) -> Option<String> {
        let el = self.find(css).await;
        el.attr(name).await.expect("attr")
    }

    /// The current value of a form control (what the user sees typed or chosen).
    pub async fn value(&mut self, css: &str) -> String {
        let el = self.find(css).await;
        el.prop("value").await.expect("value").unwrap_or_default()
    }

    pub async fn exists(&self, css: &str) -> bool {
        self.count(css).await > 0
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.map(|v| v.len()).unwrap_or(0)
    }

    /// The HTTP status the server answers `path` with, asked outside the browser with the browser's cookies (WebDriver
    /// does not show status codes).
    pub async fn http_status(&self, path: &str) -> u16 {
        let cookies = self.client.get_all_cookies().await.expect("cookies");
        let header = cookies.iter().map(|c| format!("{}={}", c.name(), c.value())).collect::<Vec<_>>().join("; ");
        let resp = reqwest::Client::new()
            .get(format!("{}{path}", self.base))
            .header("cookie", header)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        resp.status().as_u16()
    }

    /// The whole page's visible text.
    pub async fn body_text(&self) -> String {
        self.text_or_empty("body").await
    }

    /// The page's HTML as the browser holds it.
    /// Opens a new tab of the same browser (its cookies shared) and makes it current; returns the tab it came from.
    pub async fn new_tab(&mut self) -> fantoccini::wd::WindowHandle {
        let back = self.client.window().await.expect("current window");
        let tab = self.client.new_window(true).await.expect("new tab");
        self.client.switch_to_window(tab.handle).await.expect("switch to the new tab");
        back
    }

    /// Makes `tab` current again.
    pub async fn switch_to(&mut self, tab: fantoccini::wd::WindowHandle) {
        self.client.switch_to_window(tab).await.expect("switch back");
    }

    /// Runs an asynchronous script in the page (its last argument is the callback) and returns what it passes back.
    pub async fn script_async(&self, js: &str) -> Value {
        match self.client.execute_async(js, vec![]).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}"),
        }
    }

    pub async fn source(&self) -> String {
        self.client.source().await.unwrap_or_default()
    }

    async fn find(&mut self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(el) => el,
            Err(e) => panic!("{}", self.failure(&format!("no element {css}: {e}")).await),
        }
    }

    /// The element, to act on: inside a closed `<details>` (a folded action form), its summary is clicked first, as a
    /// user would to unfold it.
    async fn find_to_use(&mut self, css: &str) -> Element {
        let el = self.find(css).await;
        let summary = self
            .client
            .execute(
                "let d = arguments[0].closest('details'); \
                 while (d && d.open) d = d.parentElement && d.parentElement.closest('details'); \
                 return d ? d.querySelector(':scope > summary') : null;",
                vec![json!(el)],
            )
            .await;
        if let Ok(v @ Value::Object(_)) = summary {
            let id = v.as_object().and_then(|o| o.values().next()).and_then(|v| v.as_str()).unwrap_or_default();
            let summary =
                Element::from_element_id(self.client.clone(), fantoccini::elements::ElementRef::from(id.to_owned()));
            if let Err(e) = summary.click().await {
                panic!("{}", self.failure(&format!("cannot unfold the details around {css}: {e}")).await);
            }
        }
        el
    }

    // ---- viewport and screenshots -------------------------------------------------------------------------------

    /// A phone's screen (360×740), as enterprises mostly use.
    pub async fn phone(&mut self) {
        self.resize(PHONE).await;
    }

    /// Back to a desktop screen (1280×900).
    pub async fn desktop(&mut self) {
        self.resize(DESKTOP).await;
    }

    /// Sizes the window so that the page's viewport is `w`×`h` (the window's frame is measured and added).
    async fn resize(&mut self, (w, h): (u32, u32)) {
        self.size = (w, h);
        let (fw, fh) = self.frame;
        self.client.set_window_size(w + fw, h + fh).await.expect("window size");
        let inner = self.client.execute("return [window.innerWidth, window.innerHeight]", vec![]).await;
        let inner = inner.ok().and_then(|v| Some((v[0].as_u64()?, v[1].as_u64()?)));
        if let Some((iw, ih)) = inner
            && (iw, ih) != (u64::from(w), u64::from(h))
        {
            let fw = (u64::from(w + fw)).saturating_sub(iw) as u32;
            let fh = (u64::from(h + fh)).saturating_sub(ih) as u32;
            self.frame = (fw, fh);
            self.client.set_window_size(w + fw, h + fh).await.expect("window size");
        }
    }

    /// Saves the whole page as `<NN>-<name>.png` in this test's screenshot directory.
    pub async fn shot(&mut self, name: &str) -> PathBuf {
        self.shots += 1;
        let file = self.dir.join(format!("{:02}-{}.png", self.shots, clean(name)));
        let (w, h) = self.size;
        let (fw, fh) = self.frame;
        // The page's full height, so that a screenshot shows everything below the fold too.
        let full = self
            .client
            .execute(
                "return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .map(|v| u32::try_from(v).unwrap_or(MAX_SHOT_HEIGHT).clamp(h, MAX_SHOT_HEIGHT))
            .unwrap_or(h);
        let tall = self.full_page && full > h;
        if tall {
            let _ = self.client.set_window_size(w + fw, full + fh).await;
        }
        let png = self.client.screenshot().await;
        if tall {
            let _ = self.client.set_window_size(w + fw, h + fh).await;
        }
        match png {
            Ok(png) => std::fs::write(&file, png).unwrap_or_else(|e| panic!("write {}: {e}", file.display())),
            Err(e) => eprintln!("screenshot {} failed: {e}", file.display()),
        }
        file
    }

    /// A screenshot of the page just loaded, named after the user, what led there and the page's path.
    async fn shot_page(&mut self, hint: &str) {
        let path = self.path().await;
        let path = path.split('?').next().unwrap_or_default().trim_matches('/').replace('/', "-");
        let page = if path.is_empty() { "home".to_owned() } else { path };
        let mut name = String::new();
        if let Some(who) = &self.who {
            name.push_str(who);
            name.push('-');
        }
        if !hint.is_empty() {
            name.push_str(hint);
            name.push('-');
        }
        name.push_str(&page);
        self.shot(&name).await;
    }

    /// Saves a screenshot of the failure; returns what went wrong, where, and what the page said, to panic with.
    async fn failure(&mut self, what: &str) -> String {
        let url = self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        let text = self.body_text().await;
        let text: String = text.chars().take(600).collect();
        let file = self.shot("failed").await;
        format!("{what}\n  at {url}\n  screenshot {}\n  page text: {text}", file.display())
    }
}

/// The action a form or a button performs (its `data-action`), for a screenshot's name.
async fn hint_of(el: &Element) -> String {
    el.attr("data-action").await.ok().flatten().unwrap_or_default()
}

fn clean(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    s.trim_matches('-').to_owned()
}
