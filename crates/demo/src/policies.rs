//! 惠企政策 of the demo city (issue 16): the facts each enterprise's record carries for matching, and a library of
//! about sixty policies — national, 河南省, 周口市 and its counties — with their conditions as data, a few still being
//! drafted (政策推进清单). Titles, issuers and document numbers follow the real ones' forms; the figures are the
//! demo's own. National and provincial policies apply to the whole city here (a city's installation holds only
//! its own enterprises), kept by the city's office like its own.
//!
//! Both draw from their own seeded streams, apart from the city's, so that adding them changed nothing else.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zhuqi_domain::policy::{BenefitKind, Conditions, PolicyLevel, PolicyStatus, RevenueBand, SizeFlag, TaxCredit};
use zhuqi_domain::time::start_of_day;
use zhuqi_domain::{Action, Actor, Fen, RegionCode, Role};
use zhuqi_store::{EnterpriseProfile, NewPolicy, Writer};

use crate::{City, corpus};

/// The stream the enterprises' facts come from.
pub(crate) fn facts_stream(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ 0x5a5a_0016_fac7_0001)
}

/// Industries where 高新技术企业 are common.
const TECH: [&str; 5] = ["生物医药", "电子信息", "新型材料", "先进装备", "新能源"];

/// An enterprise's facts as a city's records hold them: most known, one in ten not yet recorded at all.
pub(crate) fn profile(
    rng: &mut ChaCha8Rng,
    industry: &str,
    above_scale: bool,
    small_micro: bool,
    today: Date,
) -> EnterpriseProfile {
    // Drawn whatever happens, so that one enterprise's gaps do not shift the next one's facts.
    let (years, days) = (rng.random_range(1..=30_i64), rng.random_range(0..365_i64));
    let young = rng.random_bool(0.25);
    let employees = if above_scale {
        rng.random_range(60..=1800_u32)
    } else if small_micro {
        rng.random_range(5..=95_u32)
    } else {
        rng.random_range(12..=300_u32)
    };
    let band = rng.random_range(0..10_u32);
    let revenue = if above_scale {
        [RevenueBand::To100m, RevenueBand::To100m, RevenueBand::To100m, RevenueBand::To400m, RevenueBand::To400m]
            [(band % 5) as usize]
    } else if small_micro {
        if band < 6 { RevenueBand::Under5m } else { RevenueBand::To20m }
    } else if band < 5 {
        RevenueBand::To20m
    } else {
        RevenueBand::To100m
    };
    let revenue = if above_scale && band == 9 { RevenueBand::Over400m } else { revenue };
    let grade = match rng.random_range(0..100_u32) {
        0..=34 => TaxCredit::A,
        35..=79 => TaxCredit::B,
        80..=91 => TaxCredit::M,
        92..=97 => TaxCredit::C,
        _ => TaxCredit::D,
    };
    let high_tech = rng.random_bool(if TECH.contains(&industry) { 0.3 } else { 0.05 });
    if rng.random_bool(0.1) {
        return EnterpriseProfile::default();
    }
    let age_days = if young { rng.random_range(200..1100_i64) } else { years * 365 + days };
    let registered_on = today.checked_sub(age_days.days()).ok();
    EnterpriseProfile {
        high_tech,
        registered_on,
        employees: Some(employees),
        revenue: Some(revenue),
        tax_credit: Some(grade),
    }
}

/// A policy's conditions, written as a constant.
#[derive(Clone, Copy)]
struct When {
    industries: &'static [&'static str],
    sizes: &'static [SizeFlag],
    min_years: Option<u32>,
    max_years: Option<u32>,
    min_employees: Option<u32>,
    max_employees: Option<u32>,
    min_revenue: Option<RevenueBand>,
    max_revenue: Option<RevenueBand>,
    min_tax_credit: Option<TaxCredit>,
}

const ANY: When = When {
    industries: &[],
    sizes: &[],
    min_years: None,
    max_years: None,
    min_employees: None,
    max_employees: None,
    min_revenue: None,
    max_revenue: None,
    min_tax_credit: None,
};

impl When {
    fn conditions(self) -> Conditions {
        Conditions {
            industries: self.industries.iter().map(|i| (*i).to_owned()).collect(),
            sizes: self.sizes.to_vec(),
            min_years: self.min_years,
            max_years: self.max_years,
            min_employees: self.min_employees,
            max_employees: self.max_employees,
            min_revenue: self.min_revenue,
            max_revenue: self.max_revenue,
            min_tax_credit: self.min_tax_credit,
        }
    }
}

/// One policy of the library. Dates are days before the demo's today, so that the library is as old whenever the
/// demo runs; the document number's year is that of `issued` (`{}` in `doc`).
struct Seed {
    level: PolicyLevel,
    issuer: &'static str,
    doc: &'static str,
    region: &'static str,
    unit: &'static str,
    title: &'static str,
    kind: BenefitKind,
    benefit: &'static str,
    cap_wan: Option<i64>,
    no_application: bool,
    when: When,
    /// Days before today it took effect (for a draft: days before today it was put on the 推进清单).
    issued: i64,
    /// Years in force; `None`: until repealed.
    years: Option<i64>,
    status: PolicyStatus,
}

use BenefitKind::{Factor, Honour, LoanInterest, Service, Subsidy, TaxRelief};
use PolicyLevel::{City as Shi, County as Xian, National as Guo, Provincial as Sheng};
use PolicyStatus::{Drafting, Published, Repealed};
use RevenueBand::{To20m, To100m, To400m};
use SizeFlag::{AboveScale, HighTech, LittleGiant, SmallMicro, Specialized};

const MAKERS: &[&str] =
    &["生物医药", "电子信息", "新型材料", "现代轻工", "现代食品", "先进装备", "纺织服装", "绿色建材", "新能源"];

/// A `Seed` in the order the library's lines read.
#[allow(clippy::too_many_arguments)]
const fn seed(
    level: PolicyLevel,
    issuer: &'static str,
    doc: &'static str,
    region: &'static str,
    unit: &'static str,
    title: &'static str,
    kind: BenefitKind,
    benefit: &'static str,
    cap_wan: Option<i64>,
    no_application: bool,
    when: When,
    issued: i64,
    years: Option<i64>,
    status: PolicyStatus,
) -> Seed {
    Seed {
        level,
        issuer,
        doc,
        region,
        unit,
        title,
        kind,
        benefit,
        cap_wan,
        no_application,
        when,
        issued,
        years,
        status,
    }
}

const TAX: &str = "国家税务总局周口市税务局";
const GXJ: &str = "周口市工业和信息化局";
const KJJ: &str = "周口市科学技术局";
const RSJ: &str = "周口市人力资源和社会保障局";
const JRJ: &str = "周口市地方金融监督管理局";
const CZJ: &str = "周口市财政局";
const SWJ: &str = "周口市商务局";
const FGW: &str = "周口市发展和改革委员会";

#[rustfmt::skip]
static LIBRARY: &[Seed] = &[
    // ---- 国家
    seed(Guo, "财政部 税务总局", "财政部 税务总局公告{}年第19号", "411600", TAX, "关于进一步支持小微企业和个体工商户发展有关税费政策的公告", TaxRelief,
        "年应纳税所得额不超过300万元的小型微利企业，减按25%计入应纳税所得额，按20%的税率缴纳企业所得税", None, true,
        When { sizes: &[SmallMicro], max_employees: Some(300), max_revenue: Some(To20m), ..ANY }, 820, Some(5), Published),
    seed(Guo, "财政部 税务总局", "财政部 税务总局公告{}年第7号", "411600", TAX, "关于进一步完善研发费用税前加计扣除政策的公告", TaxRelief,
        "研发费用未形成无形资产的，在据实扣除的基础上按实际发生额的100%在税前加计扣除", None, true,
        When { industries: MAKERS, min_tax_credit: Some(TaxCredit::B), ..ANY }, 1060, None, Published),
    seed(Guo, "财政部 税务总局 科技部", "财税〔{}〕12号", "411600", TAX, "高新技术企业减按15%税率征收企业所得税", TaxRelief,
        "经认定的高新技术企业，减按15%的税率征收企业所得税", None, true,
        When { sizes: &[HighTech], ..ANY }, 700, None, Published),
    seed(Guo, "财政部 税务总局", "财政部 税务总局公告{}年第12号", "411600", TAX, "关于进一步实施小微企业“六税两费”减免政策的公告", TaxRelief,
        "对小型微利企业减半征收资源税、城市维护建设税、房产税、城镇土地使用税、印花税等“六税两费”", None, true,
        When { sizes: &[SmallMicro], ..ANY }, 800, Some(5), Published),
    seed(Guo, "工业和信息化部 财政部", "工信部联企业〔{}〕28号", "411600", GXJ, "关于支持“专精特新”中小企业高质量发展的通知", Subsidy,
        "重点“小巨人”企业给予中央财政奖补资金，单户最高600万元", Some(600), false,
        When { sizes: &[LittleGiant], min_tax_credit: Some(TaxCredit::B), ..ANY }, 640, Some(3), Published),
    seed(Guo, "人力资源社会保障部 财政部 国家税务总局", "人社部发〔{}〕23号", "411600", RSJ, "失业保险稳岗返还政策", Subsidy,
        "上年度未裁员或裁员率不高于5.5%的参保企业，中小微企业按上年度实际缴纳失业保险费的60%返还", Some(50), true,
        When { min_employees: Some(5), min_tax_credit: Some(TaxCredit::M), ..ANY }, 520, Some(2), Published),
    seed(Guo, "财政部 税务总局", "财政部 税务总局公告{}年第43号", "411600", TAX, "先进制造业企业增值税加计抵减政策", TaxRelief,
        "允许先进制造业企业按照当期可抵扣进项税额加计5%抵减应纳增值税税额", None, true,
        When { industries: MAKERS, sizes: &[HighTech], ..ANY }, 790, Some(5), Published),
    seed(Guo, "财政部 税务总局", "财政部 税务总局公告{}年第6号", "411600", TAX, "小微企业增值税减免政策（已到期）", TaxRelief,
        "小规模纳税人月销售额10万元以下免征增值税", None, true,
        When { sizes: &[SmallMicro], ..ANY }, 1400, Some(2), Repealed),
    // ---- 河南省
    seed(Sheng, "河南省人民政府", "豫政〔{}〕12号", "411600", GXJ, "河南省促进专精特新中小企业高质量发展若干措施", Subsidy,
        "对新认定的国家级专精特新“小巨人”企业一次性奖励100万元，省级专精特新中小企业奖励20万元", Some(100), false,
        When { sizes: &[Specialized, LittleGiant], min_tax_credit: Some(TaxCredit::B), ..ANY }, 600, Some(3), Published),
    seed(Sheng, "河南省科学技术厅 河南省财政厅", "豫科〔{}〕56号", "411600", KJJ, "河南省企业研发费用后补助实施办法", Subsidy,
        "按企业上年度研发费用增量的10%给予后补助，单户最高1000万元", Some(1000), false,
        When { industries: MAKERS, min_years: Some(1), min_tax_credit: Some(TaxCredit::B), ..ANY }, 480, Some(5), Published),
    seed(Sheng, "河南省财政厅 中国人民银行河南省分行", "豫财金〔{}〕8号", "411600", JRJ, "河南省“科技贷”业务贷款贴息", LoanInterest,
        "对科技型中小企业获得的“科技贷”按贷款利息的50%给予贴息，单户每年最高50万元", Some(50), false,
        When { sizes: &[HighTech, Specialized], max_employees: Some(500), min_tax_credit: Some(TaxCredit::M), ..ANY }, 420, Some(3), Published),
    seed(Sheng, "河南省工业和信息化厅", "豫工信装备〔{}〕91号", "411600", GXJ, "河南省首台（套）重大技术装备认定奖励", Honour,
        "对认定的首台（套）重大技术装备，按销售价格的20%给予奖励，最高500万元", Some(500), false,
        When { industries: &["先进装备", "新能源"], sizes: &[AboveScale], ..ANY }, 380, Some(3), Published),
    seed(Sheng, "河南省人民政府办公厅", "豫政办〔{}〕37号", "411600", FGW, "河南省支持企业上市挂牌奖励办法", Subsidy,
        "企业在境内主板上市奖励500万元，在河南省中原股权交易中心挂牌奖励10万元", Some(500), false,
        When { sizes: &[AboveScale], min_years: Some(3), min_revenue: Some(To100m), min_tax_credit: Some(TaxCredit::A), ..ANY }, 900, None, Published),
    seed(Sheng, "河南省人力资源和社会保障厅", "豫人社就业〔{}〕15号", "411600", RSJ, "河南省吸纳高校毕业生一次性扩岗补助", Subsidy,
        "企业招用毕业年度高校毕业生并签订1年以上劳动合同的，按每人1500元给予一次性扩岗补助", Some(30), false,
        When { min_employees: Some(10), ..ANY }, 300, Some(2), Published),
    seed(Sheng, "河南省发展和改革委员会", "豫发改工业〔{}〕203号", "411600", FGW, "河南省制造业绿色低碳转型专项资金", Subsidy,
        "对节能降碳技术改造项目按设备投资额的10%给予补助，最高300万元", Some(300), false,
        When { industries: &["新型材料", "绿色建材", "纺织服装", "现代轻工"], sizes: &[AboveScale], min_years: Some(2), ..ANY }, 260, Some(3), Published),
    seed(Sheng, "河南省商务厅", "豫商贸〔{}〕44号", "411600", SWJ, "河南省外贸企业出口信用保险保费补贴", Subsidy,
        "对中小微外贸企业短期出口信用保险保费给予70%补贴", Some(20), false,
        When { industries: &["纺织服装", "现代食品", "现代轻工", "电子信息"], max_revenue: Some(To400m), ..ANY }, 350, Some(2), Published),
    seed(Sheng, "河南省工业和信息化厅 河南省财政厅", "豫工信企业〔{}〕118号", "411600", GXJ, "河南省中小企业数字化转型试点奖补", Subsidy,
        "对完成数字化改造的中小企业按实际投入的30%给予奖补，最高50万元", Some(50), false,
        When { sizes: &[SmallMicro, Specialized], min_employees: Some(20), ..ANY }, 200, Some(2), Published),
    seed(Sheng, "河南省科学技术厅", "豫科高〔{}〕3号", "411600", KJJ, "河南省高新技术企业认定奖励", Honour,
        "对首次认定的高新技术企业给予一次性奖励30万元", Some(30), true,
        When { sizes: &[HighTech], max_years: Some(8), ..ANY }, 550, Some(3), Published),
    // ---- 周口市
    seed(Shi, "周口市人民政府", "周政〔{}〕8号", "411600", GXJ, "周口市支持专精特新中小企业高质量发展若干措施", Subsidy,
        "对新认定的省级专精特新中小企业奖励10万元，国家级专精特新“小巨人”企业奖励50万元", Some(50), false,
        When { sizes: &[Specialized, LittleGiant], min_years: Some(2), min_tax_credit: Some(TaxCredit::B), ..ANY }, 330, Some(3), Published),
    seed(Shi, "周口市人民政府办公室", "周政办〔{}〕21号", "411600", GXJ, "周口市工业企业“小升规”奖励办法", Subsidy,
        "对首次升规纳统的工业企业一次性奖励10万元，连续三年保持规上的再奖励5万元", Some(15), true,
        When { industries: MAKERS, sizes: &[AboveScale], max_years: Some(12), max_revenue: Some(To100m), ..ANY }, 280, Some(3), Published),
    seed(Shi, "周口市财政局 中国人民银行周口市分行", "周财金〔{}〕5号", "411600", CZJ, "周口市创业担保贷款贴息实施办法", LoanInterest,
        "小微企业创业担保贷款额度最高300万元，按贷款市场报价利率的50%给予贴息", Some(15), false,
        When { sizes: &[SmallMicro], max_employees: Some(100), min_tax_credit: Some(TaxCredit::M), ..ANY }, 240, Some(3), Published),
    seed(Shi, "周口市科学技术局", "周科〔{}〕17号", "411600", KJJ, "周口市高新技术企业认定奖励", Honour,
        "对首次认定的高新技术企业奖励20万元，重新认定的奖励10万元", Some(20), true,
        When { sizes: &[HighTech], ..ANY }, 410, Some(3), Published),
    seed(Shi, "周口市人民政府办公室", "周政办〔{}〕33号", "411600", GXJ, "周口市工业企业智能化改造奖补办法", Subsidy,
        "对智能化改造项目按设备投资的8%给予奖补，单个项目最高200万元", Some(200), false,
        When { industries: MAKERS, sizes: &[AboveScale], min_years: Some(2), min_tax_credit: Some(TaxCredit::B), ..ANY }, 190, Some(3), Published),
    seed(Shi, "周口市人力资源和社会保障局 周口市财政局", "周人社〔{}〕9号", "411600", RSJ, "周口市企业吸纳就业社会保险补贴", Subsidy,
        "企业招用就业困难人员的，按实际缴纳的社会保险费给予补贴，期限最长3年", Some(30), false,
        When { min_employees: Some(10), ..ANY }, 230, Some(2), Published),
    seed(Shi, "周口市商务局", "周商〔{}〕12号", "411600", SWJ, "周口市外贸稳增长奖励办法", Subsidy,
        "对年进出口额首次突破1000万美元的企业奖励20万元", Some(20), false,
        When { industries: &["纺织服装", "现代食品", "现代轻工", "电子信息", "先进装备"], sizes: &[AboveScale], ..ANY }, 160, Some(2), Published),
    seed(Shi, "周口市人民政府", "周政〔{}〕15号", "411600", FGW, "周口市加快现代食品产业链发展若干政策", Subsidy,
        "对现代食品企业新上生产线按设备投资的10%给予补助，最高300万元；新获绿色食品认证的奖励5万元", Some(300), false,
        When { industries: &["现代食品", "现代农业"], min_years: Some(1), ..ANY }, 300, Some(3), Published),
    seed(Shi, "周口市人民政府", "周政〔{}〕16号", "411600", FGW, "周口市支持生物医药产业链发展若干政策", Subsidy,
        "对取得药品注册证书的企业按品种给予50万元至300万元奖励", Some(300), false,
        When { industries: &["生物医药"], min_tax_credit: Some(TaxCredit::B), ..ANY }, 298, Some(3), Published),
    seed(Shi, "周口市人民政府", "周政〔{}〕17号", "411600", FGW, "周口市纺织服装产业转型升级支持政策", Subsidy,
        "对纺织服装企业购置智能化设备按投资额的10%给予补助，最高100万元", Some(100), false,
        When { industries: &["纺织服装"], min_employees: Some(30), ..ANY }, 295, Some(3), Published),
    seed(Shi, "周口市人民政府", "周政〔{}〕18号", "411600", FGW, "周口市电子信息产业集群培育扶持办法", Subsidy,
        "对电子信息企业年度研发投入超过500万元的，按增量的15%给予补助", Some(150), false,
        When { industries: &["电子信息"], sizes: &[AboveScale, HighTech], ..ANY }, 292, Some(3), Published),
    seed(Shi, "周口市地方金融监督管理局", "周金管〔{}〕4号", "411600", JRJ, "周口市“助企贷”风险补偿资金管理办法", LoanInterest,
        "合作银行向名单内企业发放的信用贷款，风险补偿资金承担损失的40%，企业贷款利率不高于LPR加50个基点", Some(500), false,
        When { min_years: Some(2), min_tax_credit: Some(TaxCredit::B), max_revenue: Some(To400m), ..ANY }, 210, Some(3), Published),
    seed(Shi, "周口市人民政府办公室", "周政办〔{}〕41号", "411600", FGW, "周口市企业用电用气要素保障措施", Factor,
        "规上工业企业新增用电报装实行“三零”服务，高压报装平均接电时间压缩至30天以内", None, true,
        When { sizes: &[AboveScale], ..ANY }, 150, None, Published),
    seed(Shi, "周口市自然资源和规划局", "周自然资规〔{}〕7号", "411600", "周口市自然资源和规划局", "周口市工业用地“标准地”出让实施办法", Factor,
        "工业项目按“标准地”出让，实行“拿地即开工”，工业用地可按不低于基准地价的70%确定出让底价", None, false,
        When { industries: MAKERS, min_revenue: Some(To20m), ..ANY }, 360, None, Published),
    seed(Shi, "周口市人才工作领导小组", "周人才〔{}〕2号", "411600", RSJ, "周口市“周才回归”人才引进补贴办法", Subsidy,
        "企业引进全职博士给予每人每年5万元生活补贴，硕士每人每年2万元，连续3年", Some(45), false,
        When { industries: &["生物医药", "电子信息", "新型材料", "先进装备", "新能源"], min_employees: Some(20), ..ANY }, 420, Some(5), Published),
    seed(Shi, "周口市科学技术局 周口市财政局", "周科〔{}〕23号", "411600", KJJ, "周口市企业研发中心认定奖励", Honour,
        "新认定的省级企业技术中心、工程技术研究中心奖励30万元，市级奖励10万元", Some(30), false,
        When { sizes: &[AboveScale, HighTech], min_years: Some(3), ..ANY }, 250, Some(3), Published),
    seed(Shi, "周口市市场监督管理局", "周市监〔{}〕11号", "411600", "周口市市场监督管理局", "周口市知识产权质押融资贴息补助", LoanInterest,
        "以专利、商标质押获得贷款的，按实际支付利息的50%给予补助，单户最高30万元", Some(30), false,
        When { sizes: &[HighTech, Specialized, SmallMicro], ..ANY }, 180, Some(3), Published),
    seed(Shi, "周口市人民政府办公室", "周政办〔{}〕52号", "411600", FGW, "周口市个体工商户转型为企业（“个转企”）扶持措施", Service,
        "新转型企业3年内免收登记费用，由专人帮办社保、税务、银行开户等事项", None, true,
        When { sizes: &[SmallMicro], max_years: Some(2), ..ANY }, 140, Some(3), Published),
    seed(Shi, "周口市工业和信息化局", "周工信〔{}〕30号", "411600", GXJ, "周口市中小企业公共服务券实施细则", Service,
        "向小微企业发放服务券，用于购买管理咨询、检验检测、知识产权等服务，每户每年最高2万元", Some(2), true,
        When { sizes: &[SmallMicro], min_tax_credit: Some(TaxCredit::M), ..ANY }, 120, Some(2), Published),
    seed(Shi, "周口市发展和改革委员会", "周发改〔{}〕66号", "411600", FGW, "周口市新能源产业发展扶持办法", Subsidy,
        "对新建分布式光伏、储能项目按装机容量给予一次性补助", Some(200), false,
        When { industries: &["新能源", "先进装备"], min_revenue: Some(To20m), ..ANY }, 100, Some(3), Published),
    seed(Shi, "周口市商务局", "周商〔{}〕25号", "411600", SWJ, "周口市商贸物流企业降本增效补助", Subsidy,
        "对新建冷链仓储设施的商贸物流企业按投资额的10%给予补助，最高100万元", Some(100), false,
        When { industries: &["商贸物流", "现代食品"], min_years: Some(1), ..ANY }, 90, Some(2), Published),
    seed(Shi, "周口市人民政府", "周政〔{}〕3号", "411600", GXJ, "周口市支持工业企业稳产满产奖励办法（已废止）", Subsidy,
        "对一季度产值同比增长15%以上的规上工业企业奖励5万元", Some(5), true,
        When { sizes: &[AboveScale], ..ANY }, 1200, Some(1), Repealed),
    // ---- 县（市、区）
    seed(Xian, "川汇区人民政府", "川政〔{}〕9号", "411602", "川汇区人力资源和社会保障局", "川汇区促进高校毕业生就业创业十条措施", Subsidy,
        "区内企业吸纳高校毕业生就业的，按每人每月300元给予岗位补贴，期限1年", Some(20), false,
        When { min_employees: Some(5), ..ANY }, 210, Some(2), Published),
    seed(Xian, "川汇区人民政府办公室", "川政办〔{}〕14号", "411602", "川汇区人力资源和社会保障局", "川汇区小微企业房租补贴办法", Subsidy,
        "入驻区内孵化基地的小微企业，前两年按租金的50%给予补贴", Some(5), false,
        When { sizes: &[SmallMicro], max_years: Some(3), ..ANY }, 170, Some(2), Published),
    seed(Xian, "淮阳区人民政府", "淮政〔{}〕22号", "411603", "淮阳区住房和城乡建设局", "淮阳区工业企业厂房建设奖补办法", Factor,
        "新建标准化厂房的工业企业按每平方米100元给予奖补，最高200万元", Some(200), false,
        When { industries: MAKERS, min_revenue: Some(To20m), ..ANY }, 260, Some(3), Published),
    seed(Xian, "扶沟县人民政府", "扶政〔{}〕5号", "411621", "扶沟县人力资源和社会保障局", "扶沟县纺织服装企业招工奖补", Subsidy,
        "纺织服装企业新招用本县劳动力并稳定就业6个月以上的，按每人1000元给予奖补", Some(30), false,
        When { industries: &["纺织服装"], min_employees: Some(20), ..ANY }, 200, Some(2), Published),
    seed(Xian, "扶沟县人民政府", "扶政〔{}〕11号", "411621", "扶沟县人力资源和社会保障局", "扶沟县返乡创业扶持办法", LoanInterest,
        "返乡人员创办的小微企业可申请最高50万元创业担保贷款，财政全额贴息", Some(5), false,
        When { sizes: &[SmallMicro], max_years: Some(3), ..ANY }, 150, Some(3), Published),
    seed(Xian, "西华县人民政府", "西政〔{}〕18号", "411622", "西华县交通运输局", "西华县物流企业运费补贴办法", Subsidy,
        "对县内工业企业产品经铁路、水运外运的，按运费的10%给予补贴", Some(20), false,
        When { industries: MAKERS, sizes: &[AboveScale], ..ANY }, 130, Some(2), Published),
    seed(Xian, "商水县人民政府", "商政〔{}〕7号", "411623", "国家税务总局商水县税务局", "商水县纳税信用A级企业激励措施", Service,
        "纳税信用A级企业享受绿色通道、容缺办理，增值税专用发票按需领用", None, true,
        When { min_tax_credit: Some(TaxCredit::A), ..ANY }, 240, None, Published),
    seed(Xian, "沈丘县人民政府", "沈政〔{}〕13号", "411624", "沈丘县自然资源局", "沈丘县招商引资项目用地保障办法", Factor,
        "投资5000万元以上的工业项目优先保障用地指标，实行“容缺受理、并联审批”", None, false,
        When { industries: MAKERS, min_revenue: Some(To100m), ..ANY }, 320, None, Published),
    seed(Xian, "郸城县人民政府", "郸政〔{}〕20号", "411625", "郸城县市场监督管理局", "郸城县生物医药产业园入园企业扶持政策", Subsidy,
        "入驻生物医药产业园的企业，前三年按其缴纳税收县级留成部分的50%给予奖励", Some(300), false,
        When { industries: &["生物医药"], ..ANY }, 280, Some(3), Published),
    seed(Xian, "太康县人民政府", "太政〔{}〕6号", "411627", "周口市生态环境局太康分局", "太康县企业环保设施升级补助办法", Subsidy,
        "对完成超低排放改造的企业按改造投资的15%给予补助，最高100万元", Some(100), false,
        When { industries: &["新型材料", "绿色建材", "先进装备"], sizes: &[AboveScale], ..ANY }, 190, Some(2), Published),
    seed(Xian, "鹿邑县人民政府", "鹿政〔{}〕12号", "411628", "鹿邑县工业和信息化局", "鹿邑县化妆品及毛纺产业发展扶持政策", Subsidy,
        "对新增年产值超亿元的化妆品、毛纺企业奖励30万元", Some(30), false,
        When { industries: &["现代轻工", "纺织服装"], min_revenue: Some(To100m), ..ANY }, 230, Some(3), Published),
    seed(Xian, "鹿邑县人民政府", "鹿政〔{}〕19号", "411628", "鹿邑县工业和信息化局", "鹿邑县中小企业纾困资金管理办法", LoanInterest,
        "为暂时困难的中小企业提供转贷过桥资金，资金使用费按日万分之一收取", Some(1000), false,
        When { max_revenue: Some(To100m), min_tax_credit: Some(TaxCredit::M), min_years: Some(1), ..ANY }, 110, Some(3), Published),
    seed(Xian, "项城市人民政府", "项政〔{}〕16号", "411681", "项城市发展和改革委员会", "项城市支持医药和食品产业高质量发展若干措施", Subsidy,
        "对年度主营业务收入首次突破1亿元的医药、食品企业奖励20万元", Some(20), false,
        When { industries: &["生物医药", "现代食品"], min_revenue: Some(To100m), ..ANY }, 210, Some(3), Published),
    seed(Xian, "项城市人民政府", "项政〔{}〕23号", "411681", "项城市发展和改革委员会", "项城市规上企业用工服务保障措施", Service,
        "为规上企业开展“点对点”招工服务，组织专场招聘会，职业技能培训补贴按每人800至2000元拨付", None, true,
        When { sizes: &[AboveScale], ..ANY }, 95, Some(2), Published),
    seed(Xian, "周口经济技术开发区管理委员会", "周经开〔{}〕8号", "411671", "周口经济技术开发区经济发展局", "周口经开区入驻企业“拎包入住”扶持政策", Factor,
        "入驻标准化厂房的制造业企业三年内免收租金，水电气暖优先保障", None, false,
        When { industries: MAKERS, max_years: Some(3), ..ANY }, 180, Some(3), Published),
    seed(Xian, "周口经济技术开发区管理委员会", "周经开〔{}〕15号", "411671", "周口经济技术开发区经济发展局", "周口经开区科技型企业培育奖励", Honour,
        "新认定的科技型中小企业奖励5万元，高新技术企业奖励20万元", Some(20), true,
        When { sizes: &[HighTech, Specialized], ..ANY }, 140, Some(3), Published),
    // ---- 政策推进清单: being drafted
    seed(Shi, "周口市人民政府", "", "411600", GXJ, "周口市制造业高质量发展三年行动计划（2027—2029年）", Subsidy,
        "拟对规上制造业企业技术改造、智能化改造给予分档奖补", None, false,
        When { industries: MAKERS, sizes: &[AboveScale], ..ANY }, 60, None, Drafting),
    seed(Shi, "周口市人民政府办公室", "", "411600", JRJ, "周口市支持企业直接融资奖励办法（征求意见稿）", Subsidy,
        "拟对首次发行债券、在区域性股权市场挂牌的企业给予奖励", None, false,
        When { min_years: Some(2), min_tax_credit: Some(TaxCredit::B), ..ANY }, 45, None, Drafting),
    seed(Shi, "周口市人民政府办公室", "", "411600", SWJ, "周口市跨境电商发展扶持办法（送审稿）", Subsidy,
        "拟对年跨境电商交易额超过500万美元的企业给予物流、平台费用补贴", None, false,
        When { industries: &["纺织服装", "现代轻工", "现代食品"], ..ANY }, 30, None, Drafting),
    seed(Xian, "川汇区人民政府", "", "411602", "川汇区人力资源和社会保障局", "川汇区技能人才培养激励办法（征求意见稿）", Subsidy,
        "拟对企业新取得高级工以上职业技能等级的职工给予企业培训补贴", None, false,
        When { min_employees: Some(20), ..ANY }, 20, None, Drafting),
];

/// A policy the library holds, as its deliveries need it.
pub(crate) struct Written {
    pub id: i64,
    pub unit_id: i64,
    pub kind: BenefitKind,
    pub cap: Option<Fen>,
    pub no_application: bool,
    pub status: PolicyStatus,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

/// Writes the library: each policy by the office (the city's dispatcher) on the day it took effect, none after
/// `now`. Returns the policies written.
pub(crate) fn write(
    w: &mut Writer<'_>,
    seed: u64,
    city: &City,
    today: Date,
    now: Timestamp,
) -> anyhow::Result<Vec<Written>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5a5a_0016_0000_0002);
    let mut written = Vec::with_capacity(LIBRARY.len());
    for s in LIBRARY {
        let index = corpus::UNITS.iter().position(|u| u.name == s.unit);
        let unit = index.and_then(|i| city.units.get(i)).map(|u| u.id);
        let unit = unit.ok_or_else(|| anyhow::anyhow!("演示政策的责任单位「{}」不在单位名录中", s.unit))?;
        let from = today.checked_sub(s.issued.days())?;
        // Drafts are due a few months on; a policy in force from `from` was recorded a few days before it.
        let (valid_from, due_on, recorded) = match s.status {
            Drafting => (
                today.checked_add(rng.random_range(90..200_i64).days())?,
                Some(today.checked_add(rng.random_range(60..120_i64).days())?),
                from,
            ),
            _ => (from, None, from.checked_sub(rng.random_range(0..10_i64).days())?),
        };
        let valid_to =
            s.years.map(|y| valid_from.checked_add(y.years()).and_then(|d| d.checked_sub(1.day()))).transpose()?;
        let at = start_of_day(recorded)
            .map_or(now, |t| t.checked_add(rng.random_range(9..17_i64).hours()).unwrap_or(now))
            .min(now);
        let policy = NewPolicy {
            title: s.title.to_owned(),
            issuer: s.issuer.to_owned(),
            level: s.level,
            doc_number: s.doc.replace("{}", &valid_from.year().to_string()),
            region: RegionCode::parse(s.region)?,
            unit_id: unit,
            status: s.status,
            valid_from,
            valid_to,
            due_on,
            benefit_kind: s.kind,
            benefit: s.benefit.to_owned(),
            cap: s.cap_wan.map(|w| Fen::new(w * 1_000_000)).transpose()?,
            no_application: s.no_application,
            conditions: s.when.conditions(),
            body: body(s),
        };
        let id = w.insert_policy(&policy, Some(city.dispatcher), at)?;
        if let (Drafting, Some(task)) = (s.status, w.drafting_task(id)?) {
            // The drafting unit signs for its task the next morning and reports how far the draft has come.
            let handler = index.and_then(|i| city.units.get(i)).map(|u| Actor::user(u.handler, Role::Handler));
            let handler = handler.ok_or_else(|| anyhow::anyhow!("演示政策的责任单位没有经办人"))?;
            let signed = crate::meetings::at(recorded.checked_add(1.day())?, 9, now)?;
            if let Some(t) = signed {
                let task = w.apply_task(&task, handler, Action::Acknowledge, t)?;
                // Within the three working days a first report is due.
                if let Some(t) = crate::meetings::at(recorded.checked_add(2.days())?, 16, now)? {
                    let progress = PROGRESS[rng.random_range(0..PROGRESS.len())].to_owned();
                    w.apply_task(&task, handler, Action::Reply { text: progress }, t)?;
                }
            }
        }
        written.push(Written {
            id,
            unit_id: unit,
            kind: s.kind,
            cap: policy.cap,
            no_application: s.no_application,
            status: s.status,
            valid_from,
            valid_to,
        });
    }
    Ok(written)
}

/// What a drafting unit reports of its draft.
const PROGRESS: [&str; 3] = [
    "已完成初稿，正在征求相关部门和企业代表意见。",
    "已开展专题调研，座谈企业12家，正在修改完善草案。",
    "草案已提交合法性审查，审查通过后报市政府常务会议研究。",
];

/// A policy's text as its document would open.
fn body(s: &Seed) -> String {
    let conditions = s.when.conditions().describe();
    let who = if conditions.is_empty() {
        "适用地区内的企业".to_owned()
    } else {
        format!("符合以下条件的企业：{}", conditions.join("；"))
    };
    format!(
        "为深入贯彻落实“万人助万企”活动部署，进一步激发市场主体活力，{}制定本政策。\n一、支持对象。{who}。\n二、支持内容。{}。\n三、兑现方式。{}\n四、本政策由{}负责解释。",
        s.issuer,
        s.benefit,
        if s.no_application {
            "实行“免申即享”，由责任单位根据已掌握的数据直接兑现，企业无需申请。"
        } else {
            "企业向责任单位提出申请，经审核后兑现。"
        },
        s.unit
    )
}
