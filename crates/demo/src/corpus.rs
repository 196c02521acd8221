//! Static text corpus for the demo city 周口市 (Zhoukou, Henan), used by `zhuqi demo`.
//!
//! The demo generator fills a fresh database with a realistic year of the city's “万人助万企” campaign: regions, handling
//! units (承办单位), enterprises, cadres and work groups, and appeals (企业问题/诉求) that move through every state of the
//! work-item loop (交办、签收、退回、延期、补充材料、答复、重办、评价、撤回、无效、共性问题合并). It picks entries from the lists
//! below with a seeded RNG, so the same seed always yields the same city.
//!
//! Everything here is plain data written in the register of the city's own newspapers and ledgers (台账): problem titles
//! read like ledger rows, descriptions are in the enterprise's voice, answers in the handling unit's official voice.
//! Enterprise names, trade-name stems and people are invented; units, regions and division codes are the real ones.
//! Phone numbers in answers are only the public national service hotlines (12345, 12333, 12366, 12315, 12369, 95598,
//! 12360), never invented local numbers.
//!
//! Placeholders in [`ProblemTemplate::description`]: `{amount}` (a whole number of 万元, drawn from
//! [`ProblemTemplate::amount_wan`]; present exactly when `amount_wan` is `Some`) and `{county}` (the enterprise's
//! county-level division, e.g. “沈丘县”). Titles and answers contain no placeholders.

/// One node of the region tree (GB/T 2260 administrative division).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionSeed {
    /// Six-digit division code.
    pub code: &'static str,
    /// Official name.
    pub name: &'static str,
    /// Code of the parent division; `None` for the province.
    pub parent: Option<&'static str>,
}

/// The city of the demo: 周口市, whose office keeps the common issues and whose units take city-level items.
pub const CITY: &str = "411600";

/// 河南省, 周口市 and every county-level division of 周口, plus the economic-development zone.
///
/// 淮阳区 took the code 411603 when 淮阳县 (formerly 411626) became a district in 2019; 411626 is no longer valid.
pub static REGIONS: &[RegionSeed] = &[
    RegionSeed { code: "410000", name: "河南省", parent: None },
    RegionSeed { code: "411600", name: "周口市", parent: Some("410000") },
    RegionSeed { code: "411602", name: "川汇区", parent: Some("411600") },
    RegionSeed { code: "411603", name: "淮阳区", parent: Some("411600") },
    RegionSeed { code: "411621", name: "扶沟县", parent: Some("411600") },
    RegionSeed { code: "411622", name: "西华县", parent: Some("411600") },
    RegionSeed { code: "411623", name: "商水县", parent: Some("411600") },
    RegionSeed { code: "411624", name: "沈丘县", parent: Some("411600") },
    RegionSeed { code: "411625", name: "郸城县", parent: Some("411600") },
    RegionSeed { code: "411627", name: "太康县", parent: Some("411600") },
    RegionSeed { code: "411628", name: "鹿邑县", parent: Some("411600") },
    RegionSeed { code: "411681", name: "项城市", parent: Some("411600") },
    // Not a GB/T 2260 code: the zone is not an administrative division. 411671 follows the pattern the 国家统计局
    // statistical division codes use for development zones (e.g. 410171 郑州经济技术开发区) and is what some local systems
    // use for the zone; the demo keeps it so that the zone can own units, enterprises and appeals like a county.
    RegionSeed { code: "411671", name: "周口经济技术开发区", parent: Some("411600") },
];

/// A government unit (承办单位) that handles appeals of the given categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitSeed {
    /// Full official name.
    pub name: &'static str,
    /// Code of the region the unit belongs to (a code in [`REGIONS`]).
    pub region: &'static str,
    /// Category codes (from `zhuqi_domain::catalog::STANDARD_CATEGORIES`) the unit handles.
    pub categories: &'static [&'static str],
}

/// City-level units of 周口 (region 411600) first, then county-level units. Every category code is handled by at least
/// one city-level unit.
pub static UNITS: &[UnitSeed] = &[
    // ── city level ──
    UnitSeed {
        name: "周口市发展和改革委员会",
        region: "411600",
        categories: &["policy", "land", "permits", "utilities", "other"],
    },
    UnitSeed {
        name: "周口市工业和信息化局",
        region: "411600",
        categories: &["policy", "utilities", "market", "talent", "other"],
    },
    UnitSeed { name: "周口市自然资源和规划局", region: "411600", categories: &["land", "permits"] },
    UnitSeed {
        name: "周口市人力资源和社会保障局", region: "411600", categories: &["labor", "talent", "policy"]
    },
    UnitSeed { name: "周口市生态环境局", region: "411600", categories: &["environment", "permits"] },
    UnitSeed {
        name: "周口市住房和城乡建设局", region: "411600", categories: &["permits", "utilities", "land"]
    },
    UnitSeed { name: "周口市交通运输局", region: "411600", categories: &["logistics"] },
    UnitSeed { name: "周口市商务局", region: "411600", categories: &["market", "logistics", "policy"] },
    UnitSeed { name: "周口市市场监督管理局", region: "411600", categories: &["permits", "market", "legal"] },
    UnitSeed { name: "国家税务总局周口市税务局", region: "411600", categories: &["policy"] },
    UnitSeed { name: "周口市财政局", region: "411600", categories: &["policy", "financing"] },
    UnitSeed { name: "周口市科学技术局", region: "411600", categories: &["talent", "policy"] },
    UnitSeed { name: "周口市地方金融监督管理局", region: "411600", categories: &["financing"] },
    UnitSeed { name: "国网周口供电公司", region: "411600", categories: &["utilities"] },
    UnitSeed { name: "周口市城市管理局", region: "411600", categories: &["utilities", "environment", "other"] },
    UnitSeed { name: "周口市水利局", region: "411600", categories: &["utilities", "environment", "permits"] },
    UnitSeed {
        name: "周口市行政审批和政务信息管理局", region: "411600", categories: &["permits", "other"]
    },
    UnitSeed { name: "中国人民银行周口市分行", region: "411600", categories: &["financing"] },
    UnitSeed { name: "国家金融监督管理总局周口监管分局", region: "411600", categories: &["financing"] },
    UnitSeed { name: "周口市司法局", region: "411600", categories: &["legal"] },
    UnitSeed { name: "周口市中级人民法院", region: "411600", categories: &["legal"] },
    UnitSeed { name: "周口市公安局", region: "411600", categories: &["logistics", "legal", "other"] },
    UnitSeed { name: "周口海关", region: "411600", categories: &["logistics", "market", "permits"] },
    UnitSeed { name: "周口市应急管理局", region: "411600", categories: &["permits", "other"] },
    UnitSeed { name: "周口市农业农村局", region: "411600", categories: &["policy", "land", "market"] },
    UnitSeed { name: "周口市教育局", region: "411600", categories: &["talent"] },
    UnitSeed { name: "周口市统计局", region: "411600", categories: &["other"] },
    UnitSeed { name: "周口市工商业联合会", region: "411600", categories: &["market", "other"] },
    UnitSeed {
        name: "周口市人民政府国有资产监督管理委员会", region: "411600", categories: &["other"]
    },
    UnitSeed { name: "周口市消防救援支队", region: "411600", categories: &["permits", "other"] },
    UnitSeed { name: "周口市卫生健康委员会", region: "411600", categories: &["talent", "other"] },
    // ── county level ──
    UnitSeed {
        name: "川汇区人力资源和社会保障局", region: "411602", categories: &["labor", "talent", "policy"]
    },
    UnitSeed { name: "淮阳区住房和城乡建设局", region: "411603", categories: &["permits", "utilities"] },
    UnitSeed { name: "扶沟县人力资源和社会保障局", region: "411621", categories: &["labor", "policy"] },
    UnitSeed { name: "西华县交通运输局", region: "411622", categories: &["logistics"] },
    UnitSeed { name: "国家税务总局商水县税务局", region: "411623", categories: &["policy"] },
    UnitSeed { name: "沈丘县自然资源局", region: "411624", categories: &["land", "permits"] },
    UnitSeed { name: "郸城县市场监督管理局", region: "411625", categories: &["permits", "market", "legal"] },
    UnitSeed { name: "周口市生态环境局太康分局", region: "411627", categories: &["environment"] },
    UnitSeed {
        name: "鹿邑县工业和信息化局",
        region: "411628",
        categories: &["policy", "market", "utilities", "other"],
    },
    UnitSeed {
        name: "项城市发展和改革委员会",
        region: "411681",
        categories: &["policy", "permits", "land", "utilities"],
    },
    UnitSeed {
        name: "周口经济技术开发区经济发展局",
        region: "411671",
        categories: &["policy", "market", "land", "other"],
    },
];

/// An industrial chain (产业链) and the words that end company names in it (行业用语).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndustrySeed {
    /// Name of the chain, e.g. “现代食品”.
    pub name: &'static str,
    /// Words placed between the trade-name stem and the legal form, e.g. “面业” in “瑞丰面业有限公司”.
    pub name_words: &'static [&'static str],
}

/// The city's six advanced-manufacturing clusters named in its plans, 纺织服装, and the chains that fit 周口's economy.
pub static INDUSTRIES: &[IndustrySeed] = &[
    IndustrySeed {
        name: "生物医药",
        name_words: &[
            "药业",
            "制药",
            "生物科技",
            "生物工程",
            "医药",
            "医疗器械",
            "卫生材料",
            "健康科技",
            "中药饮片",
            "生物制品",
        ],
    },
    IndustrySeed {
        name: "电子信息",
        name_words: &[
            "电子",
            "电子科技",
            "智能科技",
            "光电",
            "信息技术",
            "精密电子",
            "通信设备",
            "智能终端",
            "电子材料",
            "线缆",
        ],
    },
    IndustrySeed {
        name: "新型材料",
        name_words: &[
            "新材料",
            "化工",
            "高分子材料",
            "可降解材料",
            "复合材料",
            "塑胶",
            "碳素",
            "合金材料",
            "涂料",
            "精细化工",
        ],
    },
    IndustrySeed {
        name: "现代轻工",
        name_words: &[
            "纸业",
            "制刷",
            "尾毛制品",
            "家居",
            "皮革制品",
            "包装",
            "日用品",
            "工艺品",
            "家具",
            "化妆用具",
            "塑业",
            "玩具",
        ],
    },
    IndustrySeed {
        name: "现代食品",
        name_words: &[
            "食品",
            "面业",
            "乳业",
            "调味品",
            "肉类加工",
            "粮油",
            "饮品",
            "速冻食品",
            "植物油",
            "酒业",
            "面粉",
            "休闲食品",
        ],
    },
    IndustrySeed {
        name: "先进装备",
        name_words: &[
            "机械",
            "装备制造",
            "锅炉",
            "重工",
            "机电",
            "汽车零部件",
            "智能装备",
            "数控设备",
            "电气",
            "农机",
            "液压",
        ],
    },
    IndustrySeed {
        name: "纺织服装",
        name_words: &["纺织", "棉业", "服饰", "服装", "织造", "印染", "家纺", "制衣", "化纤", "针织"],
    },
    IndustrySeed {
        name: "现代农业",
        name_words: &["农业科技", "种业", "农业开发", "生态农业", "农牧", "果蔬", "中药材", "农产品", "畜牧", "食用菌"],
    },
    IndustrySeed {
        name: "商贸物流",
        name_words: &["物流", "供应链", "商贸", "仓储", "冷链物流", "运输", "电子商务", "国际贸易", "港口物流"],
    },
    IndustrySeed {
        name: "绿色建材",
        name_words: &["建材", "新型建材", "管业", "装配式建筑", "门窗", "钢结构", "保温材料", "商砼", "石材"],
    },
    IndustrySeed {
        name: "新能源",
        name_words: &["新能源", "光伏科技", "储能科技", "能源科技", "风电设备", "电池", "生物质能源", "氢能科技"],
    },
];

/// Invented two-character trade-name stems (字号). No well-known brands.
pub static NAME_STEMS: &[&str] = &[
    "华源", "鑫茂", "瑞丰", "润禾", "宏泰", "嘉源", "恒顺", "汇通", "德昌", "盛隆", "兴邦", "凯达", "华锦", "金穗",
    "安禾", "麦香", "穗丰", "田润", "牧远", "远航", "星辰", "宇晟", "晟煜", "博瀚", "骏腾", "腾跃", "翔宇", "雅美",
    "茂森", "林峰", "豫淮", "淮润", "颍泰", "周鼎", "沙颍", "昊天", "永盛", "鸿运", "福瑞", "吉盛", "乐康", "和顺",
    "协成", "联创", "众和", "千禧", "亿丰", "长盛", "鼎盛", "尚品", "优佳", "卓远", "精诚", "致远", "方圆", "弘扬",
    "启明", "德润", "金谷", "锦绣", "绿野", "健宇", "禾润", "谷丰", "农富", "明辉", "晶鑫", "新亚", "益民", "利源",
    "福源", "祥瑞", "和美", "联盛", "众诚", "千合", "亿佳", "兆阳", "鼎新", "尚美", "优品", "致诚", "正源", "方舟",
    "弘德", "启航", "德信", "金泽", "银丰", "锦程", "健安", "谷雨", "农兴", "明德", "晶华", "宛丘", "羲皇", "道源",
    "陈州", "三川", "龙都", "太昊", "周商", "淮信", "颍川", "中垚", "豫邦", "鑫源", "瑞祥", "润通", "宏锦", "恒信",
    "盛世", "兴华", "华瑞", "金鼎", "麦丰", "穗香", "田园", "牧歌", "星耀", "宇航", "晟达", "博远", "骏达", "腾飞",
    "翔鹰", "雅洁", "茂源", "林海", "豫中", "淮海", "颍河", "周盛", "昊源", "信和", "永晟", "鸿泰", "福康", "吉瑞",
    "乐源", "和泰", "合兴", "协力", "众鑫", "万隆", "千里", "亿隆", "兆隆", "长兴", "鼎立", "尚德", "优创", "卓诚",
    "精艺", "致和", "弘源", "启泰", "德丰", "金桥", "锦华", "绿康", "禾盛", "谷润", "农康", "明远", "晶源", "新辉",
    "益康", "福润", "泓博", "沐阳", "淳丰", "豫丰", "中昊", "瑞霖", "恒岳", "晨曜", "曦源", "冠豫",
];

/// One kind of problem an enterprise raises, with the unit's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemTemplate {
    /// A code from `zhuqi_domain::catalog::STANDARD_CATEGORIES`.
    pub category: &'static str,
    /// Short ledger-row title.
    pub title: &'static str,
    /// 2–4 sentences in the enterprise's voice; may contain `{amount}` (万元) and `{county}`.
    pub description: &'static str,
    /// The handling unit's reply (答复) in official register: what was done, the result, whom to contact.
    pub answer: &'static str,
    /// Inclusive range in 万元 for `{amount}`; `Some` exactly when the description contains `{amount}`.
    pub amount_wan: Option<(u32, u32)>,
}

/// Problem templates, at least eight per category.
pub static PROBLEMS: &[ProblemTemplate] = &[
    // ───────────── financing 融资 ─────────────
    ProblemTemplate {
        category: "financing",
        title: "申请流动资金贷款一个多月未获审批",
        description: "我公司今年新接了两笔外地订单，原材料需要集中备货。3月初向辖区一家国有银行申请流动资金贷款{amount}万元，材料已全部提交，至今一个多月没有审批结果。客户要求二季度交货，资金不到位只能减少备料，恳请帮助协调加快审批。",
        answer: "接件后，会同中国人民银行周口市分行约见承贷银行，逐项梳理贷款材料。经核实，该笔业务因企业上年度财务报表与纳税数据存在差异暂缓上报，经指导企业补充情况说明后已提交上级行审批。目前授信已批复，首笔贷款已发放，后续将跟踪贷款使用情况。联系人：金融服务科刘科长。",
        amount_wan: Some((200, 1500)),
    },
    ProblemTemplate {
        category: "financing",
        title: "贷款到期须先还后续，缺少过桥资金",
        description: "我公司在{county}农商银行有一笔{amount}万元的流动资金贷款下月到期，银行要求先还款再续贷。企业资金大部分压在应收账款上，一时凑不齐还款资金，如果从民间借过桥资金，月息在2分以上，实在负担不起。希望能使用政府的还贷周转金。",
        answer: "经审核，该企业生产经营正常、无不良信用记录，符合市级企业还贷周转金使用条件。已按“银行出具续贷承诺函、周转金直达还款账户”的方式办理，周转期7天，资金占用费按规定标准收取。续贷已于贷款到期前完成，企业未产生逾期记录。联系人：金融科王科长。",
        amount_wan: Some((300, 2000)),
    },
    ProblemTemplate {
        category: "financing",
        title: "申请创业担保贷款被告知贴息额度已用完",
        description: "我们是一家成立三年的小微企业，吸纳了十几名脱贫劳动力和退役军人就业，符合创业担保贷款条件。上个月到经办银行申请{amount}万元，对方说今年的贴息额度已经用完，让等到下半年。企业正在扩建车间，急需这笔资金。",
        answer: "经会同财政部门核查，今年创业担保贷款贴息资金尚有结余，经办银行系对额度分配理解有误。已督促经办行即时受理，经担保机构审核，企业符合小微企业创业担保贷款条件，贷款现已发放，按规定享受财政贴息。政策咨询电话12333。",
        amount_wan: Some((100, 300)),
    },
    ProblemTemplate {
        category: "financing",
        title: "政府性融资担保费率偏高且收取保证金",
        description: "我公司通过市级政府性融资担保机构申请了{amount}万元担保贷款，担保费率收2%，还要求缴纳10%的保证金，加上银行利息，综合融资成本超过7%。听说省里要求政府性融资担保降费让利，希望能够落实。",
        answer: "经核查，按照省、市关于政府性融资担保降费让利的要求，对单户担保金额1000万元及以下的小微企业，年化担保费率不超过1%，且不得收取保证金。已责令担保机构退还企业已缴保证金，担保费率按1%重新核定，多收费用已退回。联系人：金融科。",
        amount_wan: Some((300, 1000)),
    },
    ProblemTemplate {
        category: "financing",
        title: "新上生产线贷款缺少有效抵押物",
        description: "我公司计划新上两条自动化生产线，设备投资约{amount}万元。向银行申请中长期贷款时，因厂房建在租赁土地上没有产权证，银行不认可抵押。企业订单稳定、纳税记录良好，能否协调以设备抵押或信用方式贷款。",
        answer: "已将企业融资需求推送至省金融服务共享平台，并组织3家银行上门对接。经评估，中国银行周口分行以“设备按揭＋应收账款质押”组合方式为企业设计了融资方案，授信已审批通过，贷款按设备到货进度分批发放。联系人：金融服务科。",
        amount_wan: Some((800, 3000)),
    },
    ProblemTemplate {
        category: "financing",
        title: "应收账款质押融资核心企业不配合确权",
        description: "我公司给省内几家国有企业供货，账面应收账款有{amount}万元左右，回款周期普遍在半年以上。想通过应收账款质押融资，但银行要求核心企业在中征应收账款融资服务平台确权，对方一直不配合。",
        answer: "已组织承贷银行与核心企业所在地人民银行分支机构沟通，推动两家核心企业在中征应收账款融资服务平台完成账款确认。企业应收账款质押贷款已获批，利率较同期普通流动资金贷款有所下浮，企业已纳入供应链金融重点支持名单。联系人：信贷市场科。",
        amount_wan: Some((200, 800)),
    },
    ProblemTemplate {
        category: "financing",
        title: "银行以行业风险为由压降贷款额度",
        description: "今年以来，一家股份制银行以行业风险为由，将我公司{amount}万元贷款在到期后压降了三成，事先没有任何告知。企业生产经营正常，从未逾期，突然压贷导致原材料款无法按时支付。请求协调银行保持授信稳定。",
        answer: "已约谈该行周口分行负责人，明确要求对生产经营正常、暂时遇到困难的企业不得盲目抽贷、断贷、压贷。经协调，该行已恢复企业原有授信额度并完成续贷，并承诺今后授信调整提前三个月告知企业。联系人：普惠金融科。",
        amount_wan: Some((1000, 5000)),
    },
    ProblemTemplate {
        category: "financing",
        title: "知识产权质押贷款找不到认可的评估机构",
        description: "我公司拥有发明专利4项、实用新型专利20余项，是省科技型中小企业。想申请知识产权质押贷款{amount}万元，但找不到银行认可的评估机构，评估费用也偏高，希望政府帮助对接。",
        answer: "已联合知识产权管理部门为企业对接入库评估机构，评估费用按规定纳入知识产权质押融资补贴范围。经评估，企业2项发明专利已在工商银行周口分行完成质押登记，贷款已发放，企业可按规定申请贴息补助。联系人：知识产权保护科。",
        amount_wan: Some((100, 500)),
    },
    ProblemTemplate {
        category: "financing",
        title: "商业承兑汇票贴现难",
        description: "我公司收到下游客户开具的商业承兑汇票{amount}万元，期限半年，银行以承兑人信用评级不够为由不予贴现。企业急需资金发工资、付货款，能否协调银行办理，或者帮助换开为银行承兑汇票。",
        answer: "已指导辖内银行运用再贴现工具，对符合条件的小微企业票据优先办理。经协调，邮储银行周口市分行对其中承兑人资信较好的部分票据办理了贴现，剩余部分由出票企业换开为银行承兑汇票，企业资金周转压力已缓解。联系人：货币信贷管理科。",
        amount_wan: Some((300, 1200)),
    },
    ProblemTemplate {
        category: "financing",
        title: "夏粮收购季收购资金缺口较大",
        description: "我公司是市级农业产业化龙头企业，每年夏粮收购季都要集中收购小麦，今年预计收购4万吨，资金缺口{amount}万元。往年农发行都有收购贷款，今年额度收紧，希望帮助协调。",
        answer: "已会同中国农业发展银行周口市分行对企业收购计划进行核实，将企业纳入今年夏粮收购信贷支持名单，核定收购贷款额度，实行“钱随粮走、购贷销还”封闭管理。首批资金已在开秤收购前到位。联系人：农业产业化科。",
        amount_wan: Some((500, 3000)),
    },
    ProblemTemplate {
        category: "financing",
        title: "征信报告存在已结清的逾期记录影响贷款",
        description: "我公司申请贷款时被银行告知，企业征信报告中有一笔逾期记录，实际上是三年前已经结清的一笔担保代偿，原报送机构一直没有更新。这条记录导致两家银行都拒绝了我们的贷款申请。",
        answer: "已受理企业征信异议申请，经核实，原报送机构因系统更新不及时未报送结清信息。已督促该机构在规定时限内完成更正报送，企业信用报告已恢复正常，并告知企业可向承贷银行重新提交贷款申请。联系人：征信管理科。",
        amount_wan: None,
    },
    // ───────────── labor 用工 ─────────────
    ProblemTemplate {
        category: "labor",
        title: "节后普工缺口120人，招工困难",
        description: "春节后员工返岗率只有七成左右，目前一线普工缺口约120人，订单已经排到6月份，部分生产线只能单班运转。我们在{county}本地发布了招聘信息，但来应聘的多是年龄偏大的人员。希望人社部门帮助组织专场招聘。",
        answer: "已将企业用工需求纳入“春风行动”重点保障企业清单，组织企业参加人力资源市场专场招聘会2场，并通过乡镇劳务工作站定向推送岗位信息。截至目前，企业已招录普工97人，剩余缺口由属地人社部门继续跟踪对接。咨询电话12333。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "数控加工技术工人短缺约15人",
        description: "我公司去年新上了一批数控加工中心，会编程、会操作的技术工人严重短缺，目前缺数控车工、加工中心操作工15人左右。从外地高薪招来的人也留不住，希望能与本地职业院校建立定向培养合作。",
        answer: "已协调周口技师学院与企业签订校企合作协议，开设数控加工“订单班”，首批招收学员40人，企业派技术骨干参与实训教学；同时推荐6名技工院校应届毕业生到企业实习。企业开展的岗位技能培训可按规定申请职业技能培训补贴。联系人：职业能力建设科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "外地技术骨干随迁子女入学难",
        description: "我公司有外地来周技术骨干30余人，不少人的子女今年到了上小学、初中的年龄，因为没有本地户籍和房产，报名时遇到困难。已经有几个骨干流露出离职的想法，恳请协调解决随迁子女入学问题。",
        answer: "已会同属地教育部门对企业提交的23名随迁子女入学需求逐一核实，按照以流入地政府为主、以公办学校为主的原则和重点企业人才子女入学保障办法，统筹安排至就近公办学校就读，入学手续已全部办理完毕。今后每年招生前，企业可将需求报属地教育部门提前统筹。联系人：基础教育科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "旺季临时用工需求大，劳务派遣机构资质难辨",
        description: "我公司订单淡旺季明显，旺季每月要临时增加60到80人，淡季又用不了这么多。想和劳务派遣公司合作，但不清楚本地哪些机构资质合规，也担心用工风险，希望人社部门给予指导。",
        answer: "已安排劳动关系科上门指导，向企业提供了取得劳务派遣经营许可且年度核验合格的机构名单，讲解了被派遣劳动者数量不得超过用工总量10%的规定，以及非全日制用工等灵活用工的合规做法，并协助企业修订了用工管理制度。企业已与一家合规机构签订合作协议。咨询电话12333。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "外省引进人员养老保险关系转移两个月未办结",
        description: "我公司去年从江苏、浙江引进了12名技术人员，养老保险关系转移接续已经申请两个多月，转出地一直没有回复。有几位员工今年要申报职称，缴费年限接不上影响评审和个人待遇，希望帮忙催办。",
        answer: "已通过全国社会保险关系转移系统向转出地经办机构发函催办，并电话沟通逐人核对缴费信息。目前12人中10人已完成转移接续，另外2人因转出地缴费记录存在断档，需本人补充材料，已一对一告知企业经办人。咨询电话12333。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "计件工资制下加班工资核算不清，担心引发劳资纠纷",
        description: "近期部分员工对加班工资的计算基数有意见，车间里议论较多。我公司实行计件工资，不清楚计件制下加班工资应当如何核算，担心处理不当引发集体劳动争议，请劳动保障部门来厂指导。",
        answer: "已组织劳动保障监察和劳动关系工作人员上门，就计件工资制下延长工作时间的工资支付标准进行政策讲解，帮助企业重新核定劳动定额、完善工资支付台账，并参与企业与职工代表的集体协商。企业已按标准补发差额，职工情绪稳定。联系人：劳动关系科张科长。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "新招员工80余人需开展岗前技能培训",
        description: "我公司新招的80多名员工大多没有相关工作经验，需要系统的岗前培训。企业自身培训能力有限，想请有资质的培训机构进厂开展项目制培训，希望了解补贴政策和办理流程。",
        answer: "已将企业纳入企业新型学徒制和项目制培训计划，协调一家定点培训机构进厂开班，培训合格后可按规定标准申领职业技能培训补贴。首期培训班已开班，参训学员52人。联系人：职业能力建设科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "麦收秋收期间员工集中请假，生产线停转",
        description: "每年麦收、秋收前后都有大量员工请假回家，生产线要停转半个月以上。我们想在周边乡镇建立稳定的用工来源，和村里的劳务经纪人合作，但一直找不到合适渠道。",
        answer: "已组织企业与周边6个乡镇劳务工作站对接，建立“企业＋乡镇劳务站＋村级信息员”用工对接机制，按企业需求定期推送求职人员信息，并向企业推荐了“家门口就业”弹性排班做法。目前企业已与3个乡镇签订长期用工合作协议。咨询电话12333。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "员工宿舍不足，外地员工住宿困难",
        description: "我公司员工从去年的300人增加到500多人，现有宿舍只能住200人，外地员工在附近租房贵且分散。园区规划中有配套用地但一直没有建设，希望能协调使用园区人才公寓或建设职工宿舍。",
        answer: "经与产业集聚区管委会协调，园区人才公寓二期已交付使用，为企业调剂出宿舍60套，按园区标准收取租金；同时将企业职工宿舍建设需求纳入园区配套用地规划。企业员工已于本月分批入住。联系人：园区企业服务中心。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "labor",
        title: "申报市级就业见习基地材料被退回",
        description: "我公司每年都接收二三十名高校毕业生来厂实习，想申报市级就业见习基地、享受见习补贴。去年提交的材料因为格式问题被退回，我们也不清楚具体的申报条件和流程，希望给予指导。",
        answer: "已安排就业促进科进行一对一辅导，企业补齐了见习岗位计划、带教师傅名单等材料，经评审认定为市级就业见习基地，首批接收见习人员15名，见习补贴按月申领。咨询电话12333。",
        amount_wan: None,
    },
    // ───────────── land 土地 ─────────────
    ProblemTemplate {
        category: "land",
        title: "二期扩建项目缺少建设用地约50亩",
        description: "我公司二期扩建项目已完成备案，计划新增用地约50亩，目前园区内没有可供地块，县里反映年度新增建设用地指标已经用完。项目设备合同已经签订，如果今年拿不到地，将影响整个投产计划。",
        answer: "已将项目纳入重点项目用地保障清单，通过盘活园区批而未供和闲置土地，在产业集聚区内调剂出一宗47.6亩工业用地，土地征收组卷已完成并上报，计划于下季度组织挂牌出让。联系人：用地保障科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "厂房投用多年仍未办理不动产权证",
        description: "我公司2016年入驻{county}产业集聚区，厂房和办公楼早已投入使用，但由于当时土地出让手续不完善、规划验收有缺项，一直办不下不动产权证。没有证就无法抵押贷款，也影响企业申报相关奖励。",
        answer: "按照“尊重历史、分类处置”的原则，组织自然资源、住建、税务等部门开展联合会商，对企业规划条件核实、竣工验收等缺项资料实行容缺受理、限时补正。企业补缴相关税费后，不动产权证已于近日颁发。咨询电话12345。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "土地出让金已缴清但地块迟迟不能交付",
        description: "我公司去年10月摘牌取得一宗工业用地，出让金已按合同全额缴清，但地块上还有两户民房和一段高压线没有迁改，至今无法交地。施工队伍和设备一直在等，每天都有损失。",
        answer: "属地政府已成立专班，与两户群众达成征迁补偿协议并完成拆除；高压线迁改由供电公司纳入迁改计划，现已完成。地块已按“净地”标准移交企业，建设用地规划许可证同步核发。联系人：土地利用科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "租用村集体厂房无法提供土地合法证明",
        description: "我公司租用的是村集体的厂房，土地性质是集体建设用地，办理环评和安全评价时被要求提供土地合法证明，村里拿不出来。企业已经投入300多万元装修和购置设备，希望帮助理清土地手续。",
        answer: "经核查，该宗地属于存量集体经营性建设用地，符合国土空间规划。已指导村集体经济组织按程序办理集体经营性建设用地使用权登记，并向企业出具土地使用合法性证明，企业环评手续已可正常申报。联系人：耕地保护和用途管制科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "仓储项目选址涉及永久基本农田卡在用地预审",
        description: "我公司规划的仓储物流项目选址，经初步核查有约12亩涉及永久基本农田，项目因此卡在用地预审环节。能否在国土空间规划调整中统筹考虑，或者帮助我们重新选址。",
        answer: "经核实，涉及地块为永久基本农田，依法不能占用。已会同属地政府为企业推荐两处规划为工业仓储用途的替代地块，企业现场踏勘后已选定其中一处，用地预审手续同步启动。联系人：国土空间规划科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "返乡创业企业急需3000平方米标准化厂房",
        description: "我们是一家刚从外地回乡创业的企业，需要3000平方米左右的标准化厂房。听说产业集聚区有闲置厂房，但不知道找谁对接，租金和优惠政策也不清楚。",
        answer: "已向企业提供区内可租赁标准化厂房清单，陪同企业实地查看并选定一处3200平方米厂房。按照返乡创业扶持政策，企业可享受前三年租金减免，入驻协议已签订。联系人：产业集聚区招商服务局。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "申请提高工业用地容积率",
        description: "我公司已取得的工业用地规划容积率上限为1.2，新建的立体仓库和多层厂房需要提高到2.0以上。按照省里支持工业项目提高容积率不再增收土地价款的政策，申请调整规划条件。",
        answer: "经审查，企业申请符合工业用地提高容积率的相关政策。规划委员会已审议通过规划条件调整方案，容积率上限调整为2.2，按规定不再增收土地价款，企业可据此申报建设工程规划许可。联系人：详细规划科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "项目开工后部分群众以青苗补偿为由阻工",
        description: "我公司项目用地手续齐全，但开工后有部分群众以青苗补偿不到位为由到工地阻拦，已经停工一周。企业早已把补偿款交给了乡政府，不清楚具体发放情况。",
        answer: "属地乡镇已核查补偿款发放情况，发现两个村民组因分配方案存在争议，青苗补偿未发放到户。经乡村两级召开群众会议、公开补偿标准，补偿款已全部发放到位，施工已恢复，并安排专人驻点保障施工环境。联系人：属地乡镇党委副书记。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "闲置工业用地分割转让登记受阻",
        description: "我公司原有工业用地80亩，目前只用了一半。想把闲置的30亩连同一栋厂房转让给一家给我们做配套的企业，但不动产登记窗口说工业用地不能分割转让。土地闲着每年还要缴城镇土地使用税，希望帮助想办法盘活。",
        answer: "根据我省工业用地分割转让有关规定，在符合规划、不改变用途、受让方为产业链配套企业的前提下，可按程序办理分割转让。已指导企业报送分割方案，经产业集聚区管委会出具意见后，分割登记和转移登记均已办结。联系人：不动产登记中心。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "land",
        title: "初创企业申请工业用地先租后让",
        description: "我公司是初创型企业，一次性缴纳全部土地出让金压力太大。听说有“先租后让”“弹性年期出让”的政策，想了解我们的项目能否适用。",
        answer: "经审查，企业项目符合工业用地长期租赁、先租后让的条件。拟用地块已按“先租后让”方式组织供应，租赁期5年，期满考核达到投资强度和亩均税收标准后转为出让，企业初期用地成本明显降低。联系人：土地利用科。",
        amount_wan: None,
    },
    // ───────────── permits 审批证照 ─────────────
    ProblemTemplate {
        category: "permits",
        title: "扩建项目环境影响报告书两个月未批复",
        description: "我公司扩建项目的环境影响报告书两个月前已经报送，期间经过两轮专家评审修改，至今没有批复。设备已经到厂安装，没有环评批复不能试生产，请求加快审批。",
        answer: "接件后对该项目开辟绿色通道，安排专人对接修改意见，并召开技术审查会一次性提出完善要求。企业补充完善后，报告书已完成公示并取得批复文件，审批用时较法定时限压缩一半。联系人：环评与排污许可科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "新上项目节能审查卡在能耗指标",
        description: "我公司新上项目年综合能耗约8000吨标准煤，需要办理节能审查。听说全省对新增能耗实行等量或减量替代，不知道本县还有没有能耗指标，项目在这个环节卡住了。",
        answer: "已对项目能耗进行测算复核，项目单位产品能耗达到行业先进值，符合节能审查条件。经市级统筹调剂，已为项目落实能耗替代来源，节能审查意见已出具。联系人：资源节约和环境保护科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "施工许可受消防设计审查拖累无法开工",
        description: "我公司厂房项目办理施工许可证时，被告知要先办完消防设计审查。设计图纸早已交审图机构，但审图意见反复修改，前后拖了40多天。能否分阶段办理施工许可，先把基础部分开工。",
        answer: "依据我市施工许可证分阶段办理办法，已先行核发基础工程阶段施工许可证，项目当周即开工。同时协调审图机构一次性集中出具意见，消防设计审查已通过，主体阶段施工许可将在企业申报后3个工作日内办结。联系人：投资项目审批科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "食品生产许可证即将到期，现场核查排不上",
        description: "我公司的食品生产许可证下个月到期，延续申请已经提交，但现场核查一直排不上。证照过期后产品不能出厂，几家商超的供货都要停下来。",
        answer: "已安排核查组于收件后第5个工作日完成现场核查，企业符合延续条件，新证已在原证到期前核发。另提醒企业可通过证照到期提醒服务提前三个月申请延续。咨询电话12315。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "二类医疗器械注册申请三个月仍在技术审评",
        description: "我公司研发的二类医疗器械产品已完成型式检验和临床评价，向省药监局提交注册申请已经三个月，还在技术审评中。想了解进度，看能否纳入优先审评。",
        answer: "已与省药品监督管理局相关处室对接，确认产品处于技术审评补正环节，并协助企业一次性完成补正材料提交。经评估，产品不符合创新医疗器械特别审查条件，但已按优先程序安排审评，预计补正后30个工作日内出具结论。联系人：药品医疗器械监管科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "少量使用危险化学品不清楚是否需要许可",
        description: "我公司生产过程中需要使用少量甲醇和盐酸，供应商要求我方提供危险化学品相关手续。我们不清楚用量不大的企业是否需要办理许可，应当向哪个部门申请。",
        answer: "已安排安全生产专家上门核查，企业危险化学品使用量未达到使用许可的数量标准，无需办理使用许可证，但须落实储存和安全管理要求。已向企业出具书面指导意见，并协助完善了危化品储存台账和应急预案。联系人：危险化学品安全监督管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "设立分公司及变更经营范围网上申报两次被退回",
        description: "我公司准备在{county}设立一家分公司，同时要在经营范围里增加“第二类医疗器械销售”。网上办理时系统提示经营范围表述不规范，已经退回了两次。",
        answer: "已安排市场主体登记窗口专人帮办代办，按照经营范围规范表述目录调整了申报内容，分公司设立登记与总公司经营范围变更当日办结，第二类医疗器械经营备案同步完成。咨询电话12345。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "新厂房竣工验收需分头跑多个部门",
        description: "我公司新建厂房已经完工，需要办理规划、消防、人防、档案等竣工验收，要分别跑好几个部门，每个部门时间都不一样，预计要两个多月。希望能一次性联合验收，早日投产。",
        answer: "已按工程建设项目竣工联合验收办法受理企业申请，由住建部门牵头，组织规划、消防、人防、城建档案等部门于同一日开展联合现场验收，一次性出具整改意见。企业整改完成后，联合验收意见书已出具，用时12个工作日。联系人：建筑市场监管科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "自备井取水许可因地下水超采区未获批准",
        description: "我公司新建项目需要打自备井取水，年取水量约15万立方米。办理取水许可时被告知项目位于地下水超采区，要求改用地表水或管网水，可园区管网压力又达不到生产需要。",
        answer: "经现场核查，项目所在区域属地下水一般超采区，依规不再审批新增地下水取水。经协调，园区供水管网已实施加压改造，可满足企业生产用水需求，企业同步办理了中水回用手续。联系人：水资源管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "工业项目规划许可被要求补充日照分析",
        description: "我公司厂区总平面图调整后重新报审，规划部门要求补充日照分析和交通影响评价。我们是工业项目，周边没有居民区，不太理解为什么要做这些。",
        answer: "经复核，项目所在地块周边200米范围内无居住用地，日照分析可不予提供，交通影响评价按工业项目简化要求执行。已通知企业按简化要求补正材料，建设工程规划许可证已核发。联系人：建设工程规划管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "permits",
        title: "压力容器和叉车使用登记检验排期长",
        description: "我公司新购置了3台压力容器和2台叉车，需要办理特种设备使用登记。安装单位告知检验要排队等一个月，设备到厂后只能闲置，新生产线也投不了产。",
        answer: "已协调特种设备检验机构优先安排，压力容器安装监督检验和叉车检验均已完成，使用登记证已在线核发。同时提醒企业按规定配备持证作业人员。联系人：特种设备安全监察科。",
        amount_wan: None,
    },
    // ───────────── utilities 水电气暖 ─────────────
    ProblemTemplate {
        category: "utilities",
        title: "新增生产线需用电增容至2000千伏安",
        description: "我公司新增两条生产线，原有的800千伏安变压器已经不够用，申请增容到2000千伏安。供电部门说附近的10千伏线路负荷已满，需要从变电站新出线，时间要半年以上。",
        answer: "已将企业增容纳入业扩配套工程，从附近110千伏变电站新出一回10千伏线路；建设期间采用“先接入、后改造”方式，通过临近线路负荷转供先期解决600千伏安临时用电。新线路现已投运，增容送电完成。服务热线95598。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "天然气主管网距厂区2公里，接驳费用过高",
        description: "我公司锅炉“煤改气”后需要用天然气，但燃气公司主管网离厂区还有2公里多。对方要求企业承担全部管网建设费用约150万元，说是“谁用气谁出钱”，企业负担过重，希望政府协调分担。",
        answer: "已协调燃气经营企业将该路段管网纳入年度管网建设计划，按“主管网由燃气企业投资、厂区支线由用户承担”的原则分担费用。管网已建成通气，企业实际承担费用约为原报价的三成。联系人：燃气管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "厂区所在线路半年停电5次，损失较大",
        description: "今年夏天以来，我们厂区所在线路已经停电5次，每次停电都导致生产线上的半成品报废，损失不小。供电所说是线路老化，但一直没有改造计划。",
        answer: "经排查，该10千伏线路部分杆段线径偏小且存在树线矛盾，是故障多发的主要原因。现已完成3.2公里线路改造和树障清理，加装智能分段开关，故障可自动隔离，改造后线路运行平稳。服务热线95598。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "园区东部供水压力不足，车间用水靠拉运",
        description: "我公司位于园区东部，自来水管网压力不足，用水高峰时二楼以上车间基本没水。现在生产用水只能靠水车拉，一天要拉五六趟，希望能改造管网或者增设加压泵站。",
        answer: "经对园区东部管网测压，确认末端管径偏小。已敷设DN300供水管道1.5公里并新建加压泵站一座，企业车间供水压力已达到0.25兆帕以上。联系人：城市供水管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "淡季基本电费负担重，需优化计费方式",
        description: "我公司变压器容量1250千伏安，执行两部制电价，但生产有明显的季节性，淡季用电量很少，基本电费负担较重。希望供电公司指导我们选择更合适的计费方式。",
        answer: "已安排客户经理上门，对企业近12个月用电数据进行分析，建议企业淡季将基本电费由按容量计收改为按实际最大需量计收，并办理了部分变压器暂停手续，预计全年可节约基本电费约18万元。服务热线95598。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "园区集中供热检修未提前通知导致停产",
        description: "我公司生产需要用蒸汽，园区集中供热单位上个月两次检修都没有提前通知，导致我们的生产线突然停产，物料损失较大。希望规范检修通知，保障供汽稳定。",
        answer: "已约谈园区集中供热企业，要求计划检修至少提前7天书面通知用汽企业，并建立用汽企业信息群实时通报运行情况；同时督促其对两台主锅炉进行技术改造，备用机组已具备投运条件。联系人：公用事业科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "厂区门前污水管网未接通，废水只能拉运",
        description: "我公司生产废水经预处理后需要排入园区污水处理厂，但厂区门口的污水管网一直没有接通。目前只能临时用罐车拉运，每月费用三四万元，雨季还担心来不及拉造成环境风险。",
        answer: "园区污水管网二期工程已将企业所在路段纳入建设范围，管道已铺设完成并与企业排口接通，经生态环境部门确认企业预处理出水达到纳管标准后正式排入，临时拉运已停止。联系人：排水管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "施工临时用电申请被要求与正式用电一并审批",
        description: "我公司新厂区即将开工，需要办理施工临时用电约400千伏安。申请后供电所说要等正式用电方案一起审批，施工队伍已经进场，只能先用柴油发电机。",
        answer: "按照“获得电力”服务提升要求，对临时用电实行即报即装，已为企业单独出具临时用电方案并协调同步施工，临时用电已接通。正式用电方案将在企业确定变压器容量后5个工作日内答复。服务热线95598。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "工业用气成本上涨近四成，申请大用户直供",
        description: "今年以来非居民用气价格上调幅度较大，我公司每月用气30万立方米左右，燃气成本增加了近四成。听说有大用户直供的办法，想申请参与。",
        answer: "经核实，企业年用气量符合大用户直供条件。已协调上游供气企业与企业签订直供协议，管输费用按政府核定标准执行，预计每立方米用气成本下降约0.3元。联系人：价格科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "屋顶分布式光伏并网申请两个月未批",
        description: "我公司在厂房屋顶建设了1.2兆瓦分布式光伏，设备已经安装完毕。申请并网两个月了，供电公司说台区容量不足，要等配网改造，具体什么时候改也说不清。设备晒着发不了电，投资回收期一再拉长。",
        answer: "已对所在台区开展承载力评估，通过调整接入点、改由10千伏线路接入的方式解决消纳问题，光伏项目已并网发电，余电上网电费按月结算。服务热线95598。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "utilities",
        title: "药品生产洁净车间需第二路电源",
        description: "我公司是药品生产企业，洁净车间和冷库对供电可靠性要求很高，按照质量管理规范需要配置双电源，目前只有一路电源。申请第二路电源时被告知全部费用由企业承担。",
        answer: "已对企业供电方案进行优化，第二路电源从另一座变电站引出，线路工程纳入电网投资建设范围，企业仅承担产权分界点以下设备费用。双电源已投运。服务热线95598。",
        amount_wan: None,
    },
    // ───────────── policy 政策兑现 ─────────────
    ProblemTemplate {
        category: "policy",
        title: "智能化改造项目技改奖补资金公示半年未拨付",
        description: "我公司2022年实施的智能化改造项目已通过验收，按照市里的技术改造项目补助办法，应获得奖补资金{amount}万元。公示结束已经半年，资金至今没有拨付。",
        answer: "经与财政部门核查，该批技改奖补资金因市县分担比例未落实导致拨付延迟。市级资金已调度到位，县级配套部分已督促落实，奖补资金已全部拨付至企业账户。联系人：技术改造科。",
        amount_wan: Some((30, 300)),
    },
    ProblemTemplate {
        category: "policy",
        title: "失业保险稳岗返还资金未到账",
        description: "我公司去年没有裁员，符合失业保险稳岗返还条件，系统显示应返还{amount}万元，但一直没有到账。打电话问社保部门，说还在审核中。",
        answer: "经核查，企业已通过“免申即享”资格比对，因企业银行账户变更后信息未同步更新导致拨付失败。已协助企业更新账户信息，返还资金已拨付到账。咨询电话12333。",
        amount_wan: Some((3, 40)),
    },
    ProblemTemplate {
        category: "policy",
        title: "研发费用加计扣除归集口径把握不准",
        description: "我公司今年研发投入约{amount}万元，想享受研发费用加计扣除政策。财务人员对研发人员工时、共用设备折旧这些费用的归集口径把握不准，担心申报后被要求调整补税，希望税务部门上门辅导。",
        answer: "已组织专业团队上门开展一对一辅导，帮助企业梳理研发项目立项、研发人员工时分配和辅助账设置，明确了不得加计扣除的费用范围。企业已在预缴申报时享受加计扣除政策。纳税服务热线12366。",
        amount_wan: Some((100, 800)),
    },
    ProblemTemplate {
        category: "policy",
        title: "增值税留抵退税审核时间较长",
        description: "我公司前两年设备投入较大，目前增量留抵税额约{amount}万元，退税申请已经提交。税务部门告知需要进一步核实部分外省供应商开具的进项发票，审核时间比较长，企业急需这笔资金周转。",
        answer: "已对企业留抵退税申请启动快速核查，涉及的部分异地进项发票通过协查系统完成核实，退税款已退至企业账户，办理用时为受理后第8个工作日。纳税服务热线12366。",
        amount_wan: Some((50, 600)),
    },
    ProblemTemplate {
        category: "policy",
        title: "首次认定高新技术企业奖励市县相互推诿",
        description: "我公司去年首次通过高新技术企业认定，按照市、县两级政策可获得奖励{amount}万元。我们按要求提交了申请，县里说市级资金没有下达，市里说要县里先报，来回推诿。",
        answer: "经核实，首次认定高新技术企业奖励由市、县按比例分担，县级负责汇总申报。已督促县科技主管部门完成申报，市级奖励资金已拨付，县级配套资金同步兑现。联系人：高新技术发展科。",
        amount_wan: Some((10, 50)),
    },
    ProblemTemplate {
        category: "policy",
        title: "专精特新企业奖励错过申报时间",
        description: "我公司今年被认定为省级专精特新中小企业，按政策有一次性奖励{amount}万元。我们一直没有收到申报通知，等听说时已经过了申报截止时间，希望能给予补报机会。",
        answer: "经核实，该批奖励申报通知通过企业服务平台发布，部分企业未及时关注。已为漏报企业开通补报通道，企业材料已审核通过，奖励资金随下一批次拨付。今后相关政策将通过包联助企干部点对点推送。联系人：中小企业科。",
        amount_wan: Some((20, 100)),
    },
    ProblemTemplate {
        category: "policy",
        title: "招商引资协议约定的配套补助多年未兑现",
        description: "我公司2020年与县政府签订招商引资协议，约定投产后按纳税额给予基础设施配套补助，累计应兑现{amount}万元。县里主要领导调整后一直没有兑现，企业多次找相关部门都没有结果。",
        answer: "经核查，招商引资协议合法有效，企业已达到协议约定的投资和纳税条件。县政府已召开专题会议研究兑现方案，明确分两年兑现，首期资金已拨付。指挥部将持续跟踪剩余部分，坚决防止“新官不理旧账”。联系人：投资科。",
        amount_wan: Some((200, 1500)),
    },
    ProblemTemplate {
        category: "policy",
        title: "一次性扩岗补助申请长期显示待审核",
        description: "我公司今年招用了30多名毕业年度高校毕业生，都签订了劳动合同并缴纳了社保，按政策可以申领一次性扩岗补助约{amount}万元。申请提交两个多月了，系统一直显示“待审核”，也没有人告诉我们缺什么材料。",
        answer: "经核查，企业符合一次性扩岗补助发放条件，审核滞后系系统批量比对延迟所致。已人工完成审核，补助资金已拨付至企业对公账户。咨询电话12333。",
        amount_wan: Some((2, 20)),
    },
    ProblemTemplate {
        category: "policy",
        title: "首台（套）装备保费补贴申报流程不清",
        description: "我公司研制的成套装备入选了省首台（套）重大技术装备推广应用指导目录，也购买了首台套综合保险。按政策可获得保费补贴{amount}万元，但申报要经过哪些环节、准备哪些材料我们不清楚，想请主管部门指导。",
        answer: "已将申报指南和材料清单送达企业，协助企业整理保险合同、销售合同和保费支付凭证，申报材料已报省工业和信息化厅审核，省级资金下达后将及时拨付。联系人：装备工业科。",
        amount_wan: Some((50, 400)),
    },
    ProblemTemplate {
        category: "policy",
        title: "出口信用保险保费补贴迟迟未到账",
        description: "我公司去年出口额约800万美元，投保了出口信用保险。商务部门有保费补贴政策，我们申报后公示补贴{amount}万元，但资金迟迟没有到账。",
        answer: "经与财政部门对接，该批外经贸发展专项资金已完成公示并下达，企业补贴资金已拨付。今年的申报通知将提前在部门网站发布并推送至企业。联系人：对外贸易科。",
        amount_wan: Some((5, 60)),
    },
    ProblemTemplate {
        category: "policy",
        title: "经营亏损申请房产税和城镇土地使用税困难减免",
        description: "受原材料价格上涨影响，我公司上半年出现亏损。想申请房产税和城镇土地使用税困难减免，测算下来约{amount}万元，但不清楚需要提交哪些证明材料，也不知道多长时间能批下来。",
        answer: "已向企业一次性告知困难减免的条件和所需材料。企业提交申请后，经实地核实符合减免条件，减免手续已办理完毕。纳税服务热线12366。",
        amount_wan: Some((5, 80)),
    },
    ProblemTemplate {
        category: "policy",
        title: "新纳入规模以上工业企业奖励未兑现",
        description: "我公司去年首次纳入规模以上工业企业统计。按县里的政策，新入规企业一次性奖励{amount}万元，材料早就报上去了，但至今没有兑现。",
        answer: "经核实，该项奖励资金已列入今年县级预算，因预算执行进度原因拨付延迟。经协调，县财政已加快拨付，奖励资金已兑现到位。联系人：运行监测协调科。",
        amount_wan: Some((5, 30)),
    },
    // ───────────── logistics 物流交通 ─────────────
    ProblemTemplate {
        category: "logistics",
        title: "城区货车限行导致原料车辆绕行30多公里",
        description: "城区对货车实行限行后，我公司原料运输车辆白天不能通过{county}城区主干道，只能绕行30多公里。每车次运费增加200多元，送货时间也难以保证，希望能办理货车通行证。",
        answer: "经公安交管部门核实企业运输需求，已为企业运输车辆办理电子通行证，可在规定时段按规定路线通行，并将该路段纳入货车通行线路优化研究。企业车辆已正常通行。咨询电话12345。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "厂区门前道路破损严重，雨天积水陷车",
        description: "我公司门口这条路是园区早年修的，来往大货车多，路面破损严重。一下雨积水半米深，重载货车进出经常陷车，客户的车都不愿意来拉货了。",
        answer: "已将该路段纳入园区道路维修计划，完成破损路面修复约2800平方米，新增雨水管网600米，积水问题已解决。联系人：园区建设管理局。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "希望经周口港走集装箱水运降低运费",
        description: "我公司产品主要发往长三角，目前全部走公路，运费占到销售额的8%左右。想通过周口港走水运降低成本，但不清楚集装箱航线班期和运价，也不知道从厂区到港口的短驳怎么安排。",
        answer: "已组织港口运营企业上门对接，向企业提供周口港至太仓、上海等港口的集装箱航线班期和运价，并推荐短驳车队。经测算，水运较公路运输每标箱可节约运费约1200元，企业首批集装箱已发运。联系人：港航管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "大件运输车辆持证仍在治超站滞留",
        description: "我公司运送大型设备的车辆属于大件运输，已经办理了超限运输许可。上周在途经的治超站仍被拦下检查了两个多小时，导致没能按合同约定时间交货，被客户扣了违约金。",
        answer: "经核实，企业持有有效的大件运输许可，检测站因许可信息未实时同步而进行了人工核验。已督促治超站完善许可信息实时比对，对持证车辆实行快速放行。联系人：交通运输综合行政执法支队。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "出口货物需拉到郑州报关，希望本地通关",
        description: "我公司出口货物过去都要拉到郑州报关，费时费钱。听说周口已经设立了海关，想了解能否在本地报关、属地查检。",
        answer: "已为企业办理报关单位备案，讲解“提前申报”“两步申报”等通关便利措施，企业出口货物可在周口港或属地监管场所完成查检后直接转关出运。首票货物已顺利通关。咨询电话12360。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "本地冷链运力不足，外地车辆运价高",
        description: "我公司生产速冻食品，需要冷链运输。本地冷链物流企业少，只能用外地车辆，价格高而且不稳定，希望政府能引进或培育本地冷链物流企业。",
        answer: "已将企业需求纳入县域商业体系建设冷链物流项目统筹，协调本地一家物流企业新增冷藏车8辆，并与企业签订长期运输协议，运价较外地车辆降低约15%。联系人：市场体系建设科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "园区未通公交，员工通勤困难",
        description: "我们园区距离城区十几公里，没有公交线路，员工上下班只能骑电动车，冬天和雨天很多人不愿意来，这也是招工难的原因之一。园区内七八家企业都反映过，建议开通通勤公交。",
        answer: "已会同公交公司对园区员工出行需求进行调查，开通城区至产业集聚区的通勤专线，早晚高峰各发车3班，并在园区增设4个站点。联系人：运输服务科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "新厂区省道出入口许可申请未获答复",
        description: "我公司新厂区紧邻一条省道，厂区大门需要在省道上开设出入口。向公路部门申请后一直没有答复，现在只能从后面的乡村小路进出，大车根本进不来。",
        answer: "已组织现场勘查，在满足安全视距和间距要求的前提下，同意企业在省道设置平面交叉道口，公路路口许可已核发，并指导企业按规范设置减速带和警示标志。联系人：路政管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "电商企业快递费用偏高，旺季爆仓延误",
        description: "我公司做农产品电商，每天发货2000单左右，本地快递网点收费比郑州高出不少。旺季还经常爆仓延误，差评和退货明显增多，希望帮助对接快递企业争取优惠价格。",
        answer: "已会同邮政管理部门召开电商快递对接会，组织6家快递企业与本地电商企业集中议价，企业单票快递费用平均下降0.6元，并协调快递企业在旺季设置专门揽收点。联系人：电子商务科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "年发运量50万吨，希望利用铁路货运",
        description: "我公司年发运量超过50万吨，主要靠公路运输，成本较高。附近有铁路线，想建设铁路专用线或利用周边物流园的铁路货场，希望政府协调铁路部门。",
        answer: "已将企业需求纳入全市铁路专用线规划研究，协调铁路部门开展接轨条件初步论证；近期先对接周边物流园铁路货场，企业已签订货场使用协议，部分产品改由铁路发运。联系人：综合运输科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "logistics",
        title: "厂区周边夜间货车乱停堵塞出入口",
        description: "我公司厂区周边道路每天晚上都有大量外地货车停放过夜，经常把厂区大门堵住。早班原料车进不来，只能打电话挨个找司机挪车，沟通多次都没有效果。",
        answer: "已组织交警中队开展专项整治，对厂区周边路段施划禁停标线、设置禁停标志，并在园区规划建设货车临时停车场一处，夜间巡逻纳入常态化勤务。厂区出入口已保持畅通。咨询电话12345。",
        amount_wan: None,
    },
    // ───────────── environment 环保 ─────────────
    ProblemTemplate {
        category: "environment",
        title: "排污许可证申请两次被退回",
        description: "我公司新建项目已经取得环评批复，下个月就要试生产，需要申领排污许可证。我们对在线填报系统里的许可排放量计算不熟悉，提交后被退回了两次，担心影响试生产时间。",
        answer: "已安排排污许可技术人员上门帮扶，逐项指导企业核算许可排放量、完善自行监测方案，申请材料已通过审核，排污许可证已核发。环保热线12369。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "已完成超低排放改造，申请重新评定绩效等级",
        description: "每年秋冬季重污染天气预警期间，我公司都被要求限产50%。我们去年已经完成了超低排放改造，希望能重新评定绩效等级，减少限产对订单的影响。",
        answer: "已组织专家对企业超低排放改造情况进行现场核查，企业符合B级绩效评级标准，已上报省生态环境厅审核。评级通过后，重污染天气预警期间企业可按绩效等级自主采取减排措施。联系人：大气环境科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "督察问题整改完毕迟迟未复核销号",
        description: "上级环保督察检查时，我公司因危废暂存间标识不规范被要求整改。我们早已整改完毕，但一直没有人来复核销号，企业仍在整改名单上，影响申报项目。",
        answer: "已安排执法人员现场复核，企业危险废物暂存间标识、台账和防渗措施均已整改到位，已予以销号并从整改名单中移除。环保热线12369。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "危险废物处置价格高且排不上号",
        description: "我公司每年产生约60吨危险废物，本地有资质的处置单位少，处置价格每吨在4000元以上。而且经常排不上号，厂里的危废暂存间快满了，再拖下去只能减产。",
        answer: "已协调全市持有危险废物经营许可证的单位，为企业推荐两家处置单位并促成签订长期处置协议，处置价格下降约两成；同时指导企业开展危废减量化改造。企业库存危废已全部转运。环保热线12369。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "喷涂车间VOCs治理设施效率不达标，改造方案难定",
        description: "我公司喷涂车间的挥发性有机物治理设施是三年前装的活性炭吸附装置，环保检查时被认定治理效率不达标。企业想升级改造，但不知道选哪种工艺合适，担心花了钱还是不达标。",
        answer: "已组织环保专家上门“把脉问诊”，建议企业采用“沸石转轮＋催化燃烧”工艺，并推行低VOCs含量涂料源头替代。企业已确定改造方案，改造完成后将由监测机构开展治理效果评估。联系人：大气环境科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "纳管废水被要求执行直排标准",
        description: "我公司污水排入园区污水处理厂，园区却要求我们按直接排放标准处理，每吨处理成本增加了3元。我们认为应该执行间接排放标准，希望予以明确。",
        answer: "经核实，企业废水经园区污水管网进入集中污水处理厂，应执行相关行业排放标准中的间接排放限值，或与污水处理厂协商确定的纳管标准。已协调园区污水处理厂与企业签订纳管协议，明确执行纳管标准。联系人：水生态环境科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "各类环保检查频次过高影响生产",
        description: "今年以来，各级各部门到我公司开展环保检查已经十多次，有时一周两三次。检查内容大多重复，每次都要企业负责人陪同、重新准备台账，环保员疲于应付，影响了正常生产。",
        answer: "已将企业纳入生态环境监督执法正面清单，实行以非现场监管为主的执法方式，除信访举报和专项督察外原则上不再入企现场检查，并推行“综合查一次”。企业现场检查频次已明显下降。联系人：综合行政执法支队。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "受让原化工厂地块须先做土壤污染状况调查",
        description: "我公司受让的一宗工业用地原来是一家化工厂，办理不动产登记时被要求先做土壤污染状况调查。原来的化工厂早已注销，我们不清楚调查应当由谁负责、费用由谁承担。",
        answer: "经会同自然资源部门研究明确，该地块土壤污染状况调查应由原土地使用权人负责，原土地使用权人已注销的由属地政府组织开展。经协调，属地政府已委托专业机构完成调查，结果符合工业用地标准，不影响企业办理不动产登记。联系人：土壤生态环境科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "扬尘管控期间措施到位的工地也被要求停工",
        description: "我公司厂房项目正处在主体施工阶段，扬尘管控期间被要求全面停工。但我们工地已经全部硬化、覆盖，也安装了在线监测和喷淋设施，希望对措施到位的工地区别对待。",
        answer: "经核查，企业工地扬尘防治“六个百分之百”落实到位，在线监测数据达标，已纳入扬尘管控差异化管理白名单，重污染天气预警期间可进行不产生扬尘的室内作业。联系人：扬尘污染防治办公室。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "environment",
        title: "环境信用评价为警示等级，申请信用修复",
        description: "我公司两年前因一次废水超标被处罚，环境信用评价被评为警示等级，至今影响我们参加政府采购投标和申请绿色信贷。处罚早已履行完毕，希望能修复信用。",
        answer: "经核实，企业已完成整改并履行处罚决定，符合环境信用修复条件。信用修复审核已完成，环境信用等级已调整，相关信息已同步推送至信用中国（河南周口）网站。联系人：法规与标准科。",
        amount_wan: None,
    },
    // ───────────── market 市场产销 ─────────────
    ProblemTemplate {
        category: "market",
        title: "下游需求减弱，库存积压需产销对接",
        description: "受下游需求减弱影响，我公司今年库存比去年同期增加了四成，仓库积压产品价值约{amount}万元。老客户订单减少，新客户又开发不出来，希望政府组织产销对接活动帮助我们开拓市场。",
        answer: "已将企业纳入“豫材豫用”产销对接企业名单，组织企业参加全市产销对接会2场，推荐对接本地及周边采购商17家，企业现场签订意向合同多份。后续将持续推送省级产销对接活动信息。联系人：运行监测协调科。",
        amount_wan: Some((100, 1500)),
    },
    ProblemTemplate {
        category: "market",
        title: "参加广交会等展会费用高，咨询参展补贴",
        description: "我公司计划参加广交会和上海的行业展会，展位费和搭建费加起来要20多万元。听说商务部门对企业参展有补贴，想了解补贴标准和申请方式。",
        answer: "已向企业提供年度重点境内外展会目录及参展补贴标准，企业拟参加的展会均在目录内，可按展位费的一定比例申请补贴，已指导企业在展后30日内提交参展合同、发票和现场照片等材料。联系人：对外贸易科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "market",
        title: "本地政府采购招标设置不合理门槛",
        description: "我公司生产的办公家具质量和价格都有竞争力，但在本地政府采购中很难中标。有的招标文件设置了注册资本、过往业绩等门槛，中小企业很难达到，希望主管部门予以规范。",
        answer: "已会同财政部门对近期部分采购文件进行核查，对设置不合理资格条件的2个项目责令采购人修改；同时落实政府采购支持中小企业政策，预留份额和价格评审优惠已在采购文件中明确。欢迎企业依法参与投标。联系人：政府采购监督管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "market",
        title: "特色产品进入大型商超门槛高、账期长",
        description: "我公司生产的小磨香油、芝麻酱在本地口碑不错。但进入大型连锁超市要交进场费、条码费，账期长达三个月以上，我们小企业实在负担不起。",
        answer: "已组织召开“周口好产品进商超”对接会，协调本地3家连锁超市设立地方特色产品专柜，减免进场费，账期缩短至45天以内。企业产品已在12家门店上架。联系人：市场运行科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "market",
        title: "出口产品被加征关税，客户要求分担",
        description: "我公司出口美国的产品被列入加征关税清单，客户要求我们分担一半关税，否则转单。企业利润本来就薄，想了解有没有应对办法和开拓其他市场的支持政策。",
        answer: "已组织贸易救济专家为企业开展政策解读，指导企业申请加征关税排除，推荐企业参加“一带一路”沿线国家展会开拓新兴市场，并协调出口信用保险机构为企业提供海外买家资信调查服务。联系人：对外贸易科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "market",
        title: "产品出厂检测须送郑州，周期长费用高",
        description: "我公司每批产品出厂都需要第三方检测，本地没有具备资质的检测机构，样品要送到郑州。检测周期一周以上，一年检测费就要十几万元，还经常因等报告耽误发货。",
        answer: "已协调市检验检测中心对相关检测项目开展能力扩项，目前已取得相应资质，企业样品可在本地检测，检测周期缩短至3个工作日，收费按标准下浮执行。咨询电话12315。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "market",
        title: "申请使用地理标志专用标志",
        description: "我公司的产品原料全部来自本地，想申请使用地理标志专用标志来提升产品知名度和售价。我们不了解申请条件和程序，希望主管部门给予指导。",
        answer: "已对企业进行专项指导，企业产品产地范围和质量要求符合地理标志产品保护规定，已协助其向国家知识产权局提交地理标志专用标志使用申请，目前已获核准。联系人：知识产权保护科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "market",
        title: "传统制造企业想做电商直播缺少运营人才",
        description: "我们是一家传统制造企业，销售一直靠经销商，利润被层层压缩。今年想做电商和直播带货，但缺少运营人才，也不知道从哪里入手。",
        answer: "已将企业纳入电子商务进农村综合示范项目培训对象，安排企业人员参加电商运营和直播带货培训，并对接本地电商产业园的专业团队提供代运营服务。企业网店和直播间已开通运营。联系人：电子商务科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "market",
        title: "包装材料全部外地采购，希望本地配套",
        description: "我公司每年采购包装材料约{amount}万元，目前都从江苏、浙江采购。运费和周转时间成本较高，急单经常因包材到不了而延误，希望了解本地有没有能配套生产的企业。",
        answer: "已梳理本地包装印刷企业名单，组织企业与本地4家包装企业开展产业链上下游对接，企业已与其中2家签订供货协议，本地配套率明显提升。联系人：产业链办公室。",
        amount_wan: Some((200, 2000)),
    },
    ProblemTemplate {
        category: "market",
        title: "主要原材料涨价三成，希望对接集中采购",
        description: "今年以来我公司主要原材料价格上涨了30%多，产品售价却很难同步提高，利润大幅压缩。希望能帮助对接大型供应商开展集中采购，稳定原材料价格。",
        answer: "已组织同类企业开展原材料集中采购对接，协调省内大型原材料生产企业与企业签订年度长协价格，企业原材料采购成本较市场价降低约5%。联系人：原材料工业科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "market",
        title: "首次开展外贸业务不熟悉备案手续",
        description: "我公司在展会上接到了海外客户的询单，对方要求FOB报价。我们从来没做过外贸，不知道对外贸易经营者备案、海关登记、出口退税这些手续怎么办。",
        answer: "已会同海关、税务部门组成联合服务组上门指导，企业当天完成对外贸易经营者备案和海关进出口货物收发货人备案，出口退税备案同步办理，首单出口业务已顺利完成。联系人：对外贸易科。",
        amount_wan: None,
    },
    // ───────────── talent 科技人才 ─────────────
    ProblemTemplate {
        category: "talent",
        title: "本科毕业生引不来、留不住",
        description: "我公司每年需要机械、电气、化工等专业的本科生10人左右，但毕业生普遍不愿意来县里工作。招来的也有一半干不满一年，希望在人才补贴、住房方面给予支持。",
        answer: "已将企业纳入重点企业人才引进计划，对企业新引进的全日制本科及以上毕业生按规定发放生活补贴和租房补贴，优先安排人才公寓，并组织企业参加高校毕业生招聘专场。联系人：人才开发科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "产品一致性技术难题需高校合作攻关",
        description: "我公司在产品一致性控制上有一项技术难题，批次合格率一直在92%左右徘徊。自己研发了一年多进展不大，想找高校或科研院所合作攻关，但缺少对接渠道。",
        answer: "已将企业技术需求发布至省科技成果转移转化公共服务平台，组织郑州大学、河南工业大学等高校专家以科技特派员身份来企业对接，企业已与河南工业大学相关团队签订技术开发合同。联系人：成果转化科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "申报省级工程技术研究中心缺少指导",
        description: "我公司研发中心已经运行三年，有研发人员30多人，每年研发投入占销售收入的4%以上。想申报省级工程技术研究中心，但不清楚申报条件和评审要求。",
        answer: "已对照省级工程技术研究中心认定条件为企业进行预评估和申报辅导，指导企业完善研发组织架构和研发项目管理制度。企业申报材料已提交，目前进入省级评审阶段。联系人：科技平台建设科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "民营企业技术骨干职称评审无渠道",
        description: "我公司有一批技术骨干长期在一线工作，技术水平很高。但因为是民营企业，一直没有找到职称评审渠道，影响了他们的待遇和积极性，有人已经被外地企业挖走。",
        answer: "已指导企业通过非公有制经济组织专业技术人员职称评审渠道申报，并协调行业评审委员会开展专场评审。首批12名技术骨干已取得中级职称，其中2人取得副高级职称。联系人：专业技术人员管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "购买高校专利技术后技术合同登记不会办",
        description: "我公司从一所高校购买了一项专利技术，合同金额80万元。想办理技术合同认定登记、享受相关税收优惠，但不了解登记流程和需要的材料。",
        answer: "已指导企业通过全国技术合同管理与服务系统完成技术合同认定登记，登记后可按规定享受技术转让相关税收优惠及技术合同交易奖补。联系人：成果转化科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "科技型中小企业评价填报口径把握不准",
        description: "我公司是一家成立两年的科技企业，想申请科技型中小企业评价入库。填报时对研发人员占比、研发费用占比的计算口径把握不准，担心填错了公示后被撤销。",
        answer: "已安排专人远程指导，帮助企业准确核算研发人员和研发投入占比，企业已完成评价信息填报并公示入库，入库后可享受研发费用加计扣除等相关政策。联系人：高新技术发展科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "外籍调试工程师来华工作许可办理",
        description: "我公司从意大利引进的成套设备需要外方工程师驻厂调试半年，外籍工程师的工作许可和居留手续不知道在哪里办、要准备哪些材料。设备下个月到货，时间很紧。",
        answer: "已指导企业通过外国人来华工作管理服务系统提交申请，对设备调试类来华人员按规定办理工作许可，并协调公安出入境管理部门同步办理居留许可，相关手续已在设备到货前办结。联系人：外国专家服务科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "数字化转型想请专家免费诊断",
        description: "我公司想推进数字化转型，上ERP和MES系统，几家软件公司的报价从几十万到三百万元不等。我们对投入产出没有把握，担心花冤枉钱，希望政府组织专家对企业进行免费诊断。",
        answer: "已将企业纳入智能化改造诊断服务对象，委托第三方服务机构开展免费诊断，形成诊断报告和分步实施方案。企业已按方案启动MES一期建设，建成后可申报智能化改造奖补。联系人：信息化推进科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "申请设立博士后创新实践基地",
        description: "我公司与高校合作引进了2名博士，正在开展两个产品升级项目。想建立博士后创新实践基地，把高端人才留住，希望了解申报条件和政策支持。",
        answer: "经评估，企业研发条件、项目和经费保障符合要求，已指导企业完成省级博士后创新实践基地申报，经专家评审获批设立，可按规定享受建站补贴。联系人：专业技术人员管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "省科技攻关项目申报多次落选",
        description: "我公司有一个新材料应用的研发项目，想申报省科技攻关项目。往年申报都因为材料不规范被刷下来，今年希望科技部门能提前辅导。",
        answer: "已组织专家对企业项目申报书进行预审，在技术路线、考核指标和经费预算等方面提出修改意见。企业修改完善后按时提交，已获批省级科技攻关项目立项。联系人：科技项目管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "talent",
        title: "老师傅无职业技能等级证书，企业想自主认定",
        description: "我公司有十几名老师傅操作技术过硬，但没有职业技能等级证书。企业想开展职业技能等级自主认定，不知道需要具备哪些条件。",
        answer: "已将企业纳入职业技能等级认定企业备案名单，指导企业制定认定工作方案、组建考评员队伍。首批认定高级工15人、技师3人，可按规定享受技能提升补贴。咨询电话12333。",
        amount_wan: None,
    },
    // ───────────── legal 法律纠纷 ─────────────
    ProblemTemplate {
        category: "legal",
        title: "外省房地产企业拖欠货款两年多",
        description: "我公司给外省一家房地产企业供货，对方拖欠货款{amount}万元已经两年多，多次催要无果。企业资金压力很大，想通过法律途径追讨，但担心诉讼周期长、执行难。",
        answer: "已为企业指派公益法律顾问，指导企业固定证据并提起诉讼。法院开通涉企案件立案绿色通道，经诉前调解，双方达成以物抵债加分期付款的协议并经司法确认，首期款项已到账。联系人：公共法律服务管理科。",
        amount_wan: Some((50, 800)),
    },
    ProblemTemplate {
        category: "legal",
        title: "乡镇道路工程款竣工验收后仍未结清",
        description: "我公司几年前承接了某乡镇的道路工程，已经竣工验收并审计决算。还有工程款{amount}万元一直没有结清，乡里说财政紧张，让再等等，企业自己也欠着农民工工资和材料款。",
        answer: "经核实，该笔欠款已纳入清理拖欠企业账款台账，属地政府已制定分期偿还计划，首期款项列入本年度预算。已督促乡镇与企业签订还款协议，首期款项已支付，后续偿还情况按月跟踪。联系人：清欠工作专班。",
        amount_wan: Some((30, 600)),
    },
    ProblemTemplate {
        category: "legal",
        title: "使用多年的品牌被外地公司抢注商标",
        description: "我公司使用多年的产品品牌被外地一家公司抢先注册了商标。对方现在反过来要求我们停止使用，还发来了律师函，我们不知道该怎么应对。",
        answer: "已组织商标代理专家为企业提供指导，帮助企业收集在先使用证据，向国家知识产权局提出无效宣告请求，同时指导企业依法主张在先使用抗辩。目前无效宣告请求已受理。联系人：知识产权保护科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "legal",
        title: "专利产品遭仿冒，低价冲击市场",
        description: "我们发现市场上有企业仿冒我公司的专利产品，价格比我们低三成。今年以来已有几家老经销商转去进仿冒品，严重冲击销售，希望得到知识产权维权援助。",
        answer: "已受理企业维权援助申请，对涉嫌侵权产品进行技术比对，初步认定落入专利权保护范围，已向涉嫌侵权企业所在地知识产权管理部门移送线索，并指导企业申请专利侵权纠纷行政裁决。联系人：知识产权保护科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "legal",
        title: "外购设备达不到合同产能，厂家拒绝退换",
        description: "我公司从外省购买的一套生产设备价值{amount}万元，安装后一直达不到合同约定的产能。厂家来维修了多次也没有解决，现在拒绝退换，企业不想打官司又无计可施。",
        answer: "已组织人民调解员和行业专家开展调解，对设备产能进行现场测试。经调解，设备厂家同意更换核心部件并赔偿企业部分损失，双方签订调解协议并申请了司法确认。联系人：人民参与和促进法治科。",
        amount_wan: Some((50, 500)),
    },
    ProblemTemplate {
        category: "legal",
        title: "首次轻微违法当场整改仍被处以较大罚款",
        description: "我公司因为一处消防设施维护不到位被处以罚款，问题当天就整改完了，但罚款金额较大。我们认为属于首次轻微违法，想了解能否适用“首违不罚”。",
        answer: "已对该行政处罚案件开展执法监督审查，认为违法行为属首次发生、危害后果轻微并及时改正，符合免罚清单适用条件，已督促执法部门依法予以纠正。联系人：行政执法协调监督科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "legal",
        title: "法定代表人身份被冒用在外地注册公司",
        description: "我公司法定代表人的身份证被他人冒用，在外地注册了一家公司。现在那家公司欠税被列入经营异常名录，影响到了我们法定代表人的个人信用和出行，企业办理银行业务也受到牵连。",
        answer: "已协调登记地市场监管部门核查，确认存在冒用身份信息登记情形，已依法撤销该公司登记，相关信用记录同步删除。咨询电话12315。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "legal",
        title: "离职员工否认合同签名申请双倍工资仲裁",
        description: "一名已经离职的员工以未签订劳动合同为由申请劳动仲裁，要求支付双倍工资。我们有签订合同的证据，但员工否认是本人签名，企业不熟悉仲裁程序，希望得到法律帮助。",
        answer: "已安排公益法律顾问参与应诉指导。劳动人事争议仲裁院依法受理并组织调解，经笔迹鉴定确认合同签名真实，仲裁委员会依法驳回了申请人的请求。联系人：公共法律服务管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "legal",
        title: "短视频平台散布不实信息损害企业商誉",
        description: "近期有人在短视频平台上发布不实信息，称我公司产品使用劣质原料。视频播放量已经有几十万次，好几家经销商来电要求退货。",
        answer: "公安机关已固定相关证据，依法对发布不实信息的当事人进行调查处理，涉事视频已删除；市场监管部门对企业产品开展抽检，结果合格，已通过官方渠道发布澄清信息。咨询电话12345。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "legal",
        title: "胜诉一年多判决款项执行不到位",
        description: "我公司与一家企业的买卖合同纠纷胜诉已经一年多，判决对方支付货款及利息{amount}万元。执行中一直查不到对方可供执行的财产，但对方的实际控制人还在做同样的生意。",
        answer: "已将该案纳入涉企执行积案专项清理，通过网络查控系统对被执行人财产进行全面查询，查封其名下房产一处并依法拍卖，执行款已发放至企业。联系人：执行局。",
        amount_wan: Some((20, 400)),
    },
    ProblemTemplate {
        category: "legal",
        title: "原销售经理私收货款，报案后未立案",
        description: "我公司原销售经理利用职务便利私自收取客户货款，涉及金额较大。企业已经向公安机关报案，但迟迟没有立案。",
        answer: "经审查，公安机关已依法对该案立案侦查，犯罪嫌疑人已到案，部分涉案款项已追回。办案单位将及时向企业通报案件进展，依法保护企业合法权益。联系人：经济犯罪侦查支队。",
        amount_wan: None,
    },
    // ───────────── other 其他 ─────────────
    ProblemTemplate {
        category: "other",
        title: "厂区周边一个月内连发3起电缆被盗案件",
        description: "最近一个月，我公司厂区附近连续发生3起电缆和铜材被盗案件，损失2万多元。厂区周边路灯不亮，监控也不全，夜班员工下班都很担心。",
        answer: "公安机关已对被盗案件立案侦查，抓获犯罪嫌疑人2名；同时在企业周边增设夜间巡逻路线，协调属地政府修复路灯18盏、增设监控点位6处。联系人：属地派出所。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "营收预计超2000万元，咨询入规程序",
        description: "我公司今年营业收入预计能超过2000万元，符合规模以上工业企业标准。想纳入规上企业统计，但不清楚入规的时间节点和需要准备的材料。",
        answer: "已对企业进行入规辅导，讲解月度入库的条件和程序，指导企业规范财务核算和统计台账。企业已按程序申报，经审核纳入规模以上工业企业名录库。联系人：工业统计科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "园区移动网络信号差，车间无法设备联网",
        description: "我公司所在园区移动网络信号差，车间里基本没有信号。我们正在推进设备联网和数字化管理，没有网络这些都推不下去。",
        answer: "已协调通信运营企业对园区开展网络覆盖优化，新建5G基站3座、室内分布系统1套，企业车间已实现5G信号全覆盖，运营企业同时为企业提供了5G专网解决方案。联系人：信息化推进科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "园区缺少食堂、超市、卫生室等生活配套",
        description: "我们园区附近没有餐饮、超市、卫生室等生活配套设施。员工吃饭、看病都要跑到镇上，影响招工和员工稳定。",
        answer: "已在园区综合服务中心引入职工食堂1处、便利超市1家，并协调镇卫生院在园区设立卫生服务点，每周固定坐诊，相关设施已投入使用。联系人：园区企业服务中心。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "新投产企业希望上门指导安全生产标准化",
        description: "我公司是新投产企业，对安全生产标准化建设的要求不熟悉。希望应急管理部门能上门指导，帮助我们查找隐患，避免出现安全事故。",
        answer: "已组织安全生产专家开展“送服务进企业”活动，帮助企业排查一般隐患14项并指导全部整改完毕，同时协助企业启动安全生产标准化三级达标创建。联系人：工贸行业安全监督管理科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "已移出经营异常名录但网站仍可查到记录",
        description: "我公司三年前因为逾期未报年报被列入经营异常名录，早已补报并移出。但在信用中国网站上还能查到相关记录，上个月一次投标因此被判为资格不符。",
        answer: "已指导企业通过“信用中国”网站在线提交信用修复申请，经审核企业符合修复条件，相关公示信息已撤下。联系人：信用建设科。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "新建小区居民投诉厂区夜间噪声",
        description: "我公司厂区建成后，附近新建了一个居民小区，居民经常投诉夜间生产噪声。我们的厂区是先建的，噪声也经过检测达标，希望政府协调，不要影响企业正常生产。",
        answer: "经监测，企业厂界噪声昼夜均达标。属地政府组织企业与小区居民代表座谈，企业自愿在靠近小区一侧的设备增设隔声屏障，居民投诉已明显减少。联系人：属地街道办事处。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "企业更名后十几项证照账户需逐一变更",
        description: "我公司因集团重组变更了企业名称，营业执照已经换发。但税务、社保、银行、海关、排污许可等十几个证照和账户都要逐一变更，跑了一个多月还没办完。",
        answer: "已为企业开设“企业变更一件事”专窗，实行一表申请、一窗受理、并联办理，协调相关部门同步完成税务、社保、公积金、海关、排污许可等信息变更，剩余事项已在5个工作日内全部办结。咨询电话12345。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "惠企政策分散，小企业常错过申报期",
        description: "各级出台的惠企政策很多，但分散在不同部门的网站上。我们小企业没有专人研究，经常是过了申报期才知道，希望有一个渠道集中推送适合我们的政策。",
        answer: "已为企业开通惠企政策“直达快享”平台账号，根据企业行业、规模等信息精准推送可申报政策，并安排包联助企干部每月上门讲解一次。企业已据此申报两项政策。联系人：市“万人助万企”活动指挥部办公室。",
        amount_wan: None,
    },
    ProblemTemplate {
        category: "other",
        title: "厂区划入城市更新范围，搬迁补偿和新址未明确",
        description: "我公司厂区被划入城市更新改造范围，县里要求年底前搬迁。但补偿标准和新厂区选址都还没有明确，企业几百名员工和手上的订单都受影响。",
        answer: "属地政府已成立企业搬迁专班，按照“先建后拆、不停产搬迁”的原则在产业集聚区为企业预留新址，补偿标准经第三方评估后与企业协商确定，搬迁时间调整至新厂区投产之后。联系人：企业搬迁专班。",
        amount_wan: None,
    },
];

/// Common Chinese surnames (百家姓 as used in Henan), including a few compound ones.
pub static SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "肖", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾",
    "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪",
    "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛",
    "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤", "尹", "黎", "易", "常", "武",
    "乔", "贺", "赖", "龚", "文", "付", "闫", "牛", "岳", "翟", "耿", "申", "谷", "樊", "葛", "路", "尚", "柳", "苗",
    "娄", "楚", "皇甫", "司马", "欧阳", "上官",
];

/// Given names plausible for adults born 1965–2000.
pub static GIVEN_NAMES: &[&str] = &[
    "建国", "建军", "建华", "建伟", "建锋", "建民", "卫东", "卫国", "卫华", "卫红", "红梅", "红霞", "红伟", "红军",
    "红涛", "红英", "丽娟", "丽华", "丽萍", "丽君", "海燕", "海涛", "海波", "海峰", "海龙", "志强", "志刚", "志勇",
    "志伟", "志华", "伟", "磊", "静", "敏", "娜", "明", "亮", "军", "勇", "杰", "涛", "斌", "超", "刚", "辉", "峰",
    "强", "平", "鑫", "琳", "莉", "芳", "霞", "燕", "颖", "倩", "蕾", "慧", "萍", "丹", "洁", "玲", "帅", "阳", "旭",
    "鹏飞", "鹏程", "鹏辉", "晓辉", "晓东", "晓燕", "晓丽", "晓峰", "晓明", "晓军", "晓光", "晓彤", "晓雨", "俊杰",
    "俊峰", "俊鹏", "婷婷", "亚楠", "亚军", "亚伟", "亚琼", "艳丽", "艳红", "国庆", "国强", "国栋", "国良", "国伟",
    "新民", "新华", "新宇", "振华", "振宇", "振东", "振国", "永强", "永刚", "永辉", "永红", "保国", "保华", "春燕",
    "春雷", "春生", "秀芳", "秀英", "利民", "长青", "少伟", "少华", "少杰", "少峰", "文博", "文静", "文杰", "文涛",
    "文娟", "思远", "思雨", "思琪", "梦瑶", "梦洁", "梦琪", "立新", "立群", "向阳", "向东", "朝阳", "朝辉", "东升",
    "宏伟", "宏亮", "家豪", "嘉伟", "佳琪", "佳怡", "欣怡", "雨婷", "晨曦", "晨阳", "一鸣", "天宇", "浩然", "浩宇",
    "宇航", "泽宇", "博文", "金龙", "金凤", "玉霞", "玉梅", "桂英", "慧敏", "慧芳", "淑芬", "雅琴", "雅丽", "雅婷",
    "冬梅", "彩霞", "美玲", "美华", "爱华", "爱民", "学军", "学文", "学良", "书华", "书林", "胜利", "胜军", "军伟",
    "军锋", "德胜", "德华", "光明", "光辉", "伟东", "伟华", "瑞霞", "瑞峰", "静怡", "静雯", "继红", "继伟", "铁军",
    "付强", "占军", "凯旋", "素娟", "秋菊", "子豪", "晓静", "红艳", "雪梅",
];

/// Reasons a unit gives when it returns (退回) an item as not its business.
pub static RETURN_REASONS: &[&str] = &[
    "该事项属供电公司职责范围，涉及企业专线接入和增容报装，建议转国网周口供电公司办理。",
    "企业反映的贷款审批问题属商业银行自主经营决策事项，本单位无权干预，建议转金融管理部门协调。",
    "经核实，该企业注册地和生产经营地均在项城市，按照分层交办原则应由项城市相关部门先行办理，建议转县级承办。",
    "企业反映的是稳岗返还资金拨付问题，属人社部门职责，我局不具备审核和拨付权限，请重新交办。",
    "该问题涉及不动产登记历史遗留问题，需由自然资源和规划部门牵头办理，我局仅能配合提供竣工验收资料，建议调整承办单位。",
    "所反映道路为园区内部道路，产权和管养单位均为产业集聚区管委会，不属于交通运输部门管养的公路，建议转属地办理。",
    "企业诉求为商标侵权纠纷，应由市场监督管理部门（知识产权局）受理，本单位无相应执法权限。",
    "该纠纷已进入司法程序，人民法院已立案受理，不宜再作为行政协调事项办理，建议退回并告知企业关注案件进展。",
    "经与企业电话核实，问题实际涉及天然气接驳费用，属城市管理部门燃气行业管理职责，非价格主管部门事项。",
    "该事项属省级审批权限，市级无法直接办理，建议按分层交办原则提级至省级层面协调。",
];

/// Reasons a dispatcher marks an appeal invalid (无效).
pub static INVALID_REASONS: &[&str] = &[
    "与该企业此前提交的诉求内容重复，已并入原诉求跟踪办理。",
    "所反映事项为个人购房贷款纠纷，非涉企问题，已告知通过12345热线反映。",
    "诉求信息不全，留存联系电话多次拨打无人接听，无法核实问题具体情况。",
    "企业对已生效的法院判决不服，属司法救济范畴，不纳入助企问题受理范围。",
    "提交内容为产品广告推广信息，与企业生产经营困难无关。",
    "经核实，所涉企业已于去年办理注销登记，无法开展后续办理。",
    "企业要求为未批先建的违法建筑补办手续，不符合法律法规规定，不予受理。",
    "系系统操作培训时录入的测试数据，误提交。",
];

/// Reasons a unit gives when it asks for more time (延期).
pub static EXTENSION_REASONS: &[&str] = &[
    "该事项需报省自然资源厅审批，省级审批时限为20个工作日，申请延期至省级批复下达后答复。",
    "问题涉及发改、自然资源、住建、生态环境等多个部门，需召开专题会商会研究，申请延期10个工作日。",
    "奖补资金需列入下一批次财政资金分配计划，待市政府常务会议研究通过后方可拨付。",
    "线路改造工程需办理道路挖掘许可并协调停电计划，施工周期约20天，申请延期。",
    "企业所涉历史遗留问题资料缺失，需调取2015年以前档案并赴原审批单位核实，短期内无法办结。",
    "贷款需经承贷银行省分行审批，目前已进入授信审查环节，申请延期15个工作日。",
    "需委托第三方机构开展现场检测和评估，检测报告出具需要7至10个工作日。",
    "涉及征迁群众补偿协商，需多次入户做工作，申请延期至协商完成。",
    "正值春节假期前后，相关单位人员未全部到岗，申请顺延办理时限。",
    "企业正在按要求整改，需待整改完成后组织现场复核方可销号。",
];

/// Requests a unit sends to the enterprise for more material (待补充材料).
pub static MATERIAL_REQUESTS: &[&str] = &[
    "请补充企业近三年经审计的财务报表及最近一期纳税申报表。",
    "请提供项目备案证明、土地出让合同及出让金缴款凭证复印件。",
    "请补充与对方单位签订的购销合同、送货单和对账单等欠款证据。",
    "请提供用电户号、现有变压器容量及新增用电设备清单。",
    "请提交技改项目竣工验收报告、设备购置发票及付款凭证。",
    "请说明所需岗位工种、人数、薪资待遇及期望到岗时间，以便推送招聘信息。",
    "请补充环评批复文件及厂区排污口位置示意图。",
    "请提供营业执照、法定代表人身份证明及经办人授权委托书。",
    "请补充招商引资协议原件扫描件及近三年纳税证明。",
    "请提供近12个月参保职工花名册及社保缴费明细。",
];

/// Reasons an enterprise rejects an answer as unsatisfactory (不满意，重办).
pub static REJECT_REASONS: &[&str] = &[
    "答复称已协调银行放款，但银行至今没有与企业联系，问题未实际解决。",
    "答复内容只是政策解读，没有针对企业的具体问题提出解决办法。",
    "增容工程答复说下月完工，现已超过期限仍未动工。",
    "奖补资金只拨付了一半，剩余部分没有明确拨付时间。",
    "招聘会推荐的人员大多不符合岗位要求，实际到岗只有几个人。",
    "答复所称“已现场核查”与实际不符，企业未接到任何人员上门。",
    "不动产权证仍未办下来，答复只说“正在办理”，没有明确办结时限。",
    "道路只做了简单修补，下雨后积水问题依旧。",
    "答复把责任推给县里，县里又说是市里的事，问题仍然没人管。",
    "处置单位报价虽然降了，但仍然排不上号，危废暂存间即将满库。",
    "答复要求企业自行与对方协商，没有起到协调作用。",
    "检查频次并没有减少，本周又来了两拨检查人员。",
];

/// Reasons an enterprise withdraws (撤回) its appeal.
pub static WITHDRAW_REASONS: &[&str] = &[
    "问题已自行解决，银行已主动联系办理续贷。",
    "企业经营策略调整，暂缓扩建计划，不再需要新增用地。",
    "已与对方达成和解，对方已支付大部分欠款。",
    "经咨询了解政策后，企业不符合申报条件，撤回诉求。",
    "重复提交，保留先前提交的那一条。",
    "供电所已上门处理，线路故障已排除。",
    "招工问题已通过本地劳务中介解决。",
];

/// Enterprise rating comments with the star value they fit.
pub static RATING_COMMENTS: &[(u8, &str)] = &[
    (5, "问题解决得又快又好，感谢助企干部和承办单位！"),
    (5, "从反映问题到放款只用了两周，真正做到了“有事解决、无事不扰”。"),
    (5, "供电公司上门服务很专业，增容工程提前完工，为企业节省了不少时间。"),
    (5, "承办人员多次到厂里对接，跑前跑后，非常负责。"),
    (5, "奖补资金已经到账，对企业是实实在在的支持。"),
    (5, "税务部门辅导很细致，我们财务人员心里有底了。"),
    (5, "困扰企业三年的产权证问题终于解决了，点赞！"),
    (5, "专场招聘会效果明显，用工缺口基本补上了。"),
    (5, "反映的问题件件有回音、事事有着落。"),
    (5, "首席服务官每周都来，问题当面解决，服务到家。"),
    (5, "环保专家的指导很实用，改造方案一次通过。"),
    (5, "联合验收一天就搞定，办事效率很高。"),
    (5, "通行证办下来后运输成本降了不少，谢谢交警同志。"),
    (4, "问题基本解决了，希望后续能继续跟踪。"),
    (4, "贷款已经批了，额度比申请的少一些，总体满意。"),
    (4, "办理结果满意，就是前期沟通花的时间长了点。"),
    (4, "政策讲得很清楚，资金到位还需要一段时间，期待早日兑现。"),
    (4, "招来的人员还在试用期，再看看后续稳定情况。"),
    (4, "整体满意，建议以后能主动告知办理进度。"),
    (4, "道路修好了，路灯还没装，希望一并解决。"),
    (4, "解决了燃眉之急，根本问题还得靠管网改造。"),
    (3, "答复态度很好，但实际问题只解决了一部分。"),
    (3, "办结时间超过了承诺时限，影响了我们的生产安排。"),
    (3, "几个部门之间还需加强衔接，我们来回跑了好几趟。"),
    (2, "答复内容比较笼统，感觉没有真正到企业了解情况。"),
    (2, "问题反映了一个多月才有人联系，时效性太差。"),
    (1, "问题根本没有解决，只是走了个程序就办结了。"),
    (1, "承办单位推诿扯皮，至今没有实质进展。"),
];

/// Notes a cadre writes after the weekly visit (每周一走访).
#[allow(dead_code)] // for the cadres' visit records (走访), which the UI issue adds
pub static VISIT_NOTES: &[&str] = &[
    "到企业走访，与总经理座谈。企业一季度产值同比增长12%，订单充足，反映新车间用电负荷偏紧，已记录并上报指挥部。",
    "实地查看二期项目施工现场，主体钢结构已完成约六成。企业反映部分建材运输车辆进城受限，已联系交警部门了解通行证办理流程。",
    "送政策上门，向企业财务负责人讲解研发费用加计扣除和留抵退税政策，企业表示将在季度申报时享受。",
    "企业生产经营正常，员工在岗386人，本周无新问题。督促企业做好汛期厂区排水和安全生产工作。",
    "跟踪上周反映的贷款问题，承贷银行已完成实地调查，企业对进展表示满意，继续跟进放款时间。",
    "企业反映近期一线工人流失较多，主要原因是周边企业工资上涨，已建议企业参加下周人社局组织的专场招聘会。",
    "陪同企业负责人到县自然资源局对接不动产权证办理事宜，明确了需补充的规划核实资料清单。",
    "企业新研发产品已通过型式检验，计划下月上市，希望参加秋季产销对接会，已将需求报市工信局。",
    "了解企业环保设施运行情况，VOCs治理设施改造已完成，在线监测数据稳定达标，企业申请复核绩效等级。",
    "企业负责人在外地出差，与办公室主任电话沟通，企业目前无困难诉求，约定下周一到厂座谈。",
    "督导企业落实安全生产主体责任，检查了配电房、危化品库房和消防通道，发现消防通道堆放杂物一处，已当场整改。",
    "企业反映招商协议约定的配套补助三年未兑现，查看了协议原件和纳税证明，情况属实，已按程序录入系统交办。",
    "回访已办结诉求，企业对供电增容结果满意，确认问题已解决，同意销号。",
    "参加企业技术改造项目论证会，建议企业申报市级技改奖补和省级智能车间，并协助准备申报材料。",
    "企业反映厂区周边夜间货车乱停、堵塞出入口，已联系属地派出所和交警中队现场处置。",
    "企业外贸订单下滑约两成，主要受海外客户去库存影响，建议参加商务局组织的境外展会，并介绍了出口信用保险政策。",
    "秋收期间员工请假较多，产能利用率降到七成左右，企业已自行调整排班，暂不需要协调。",
    "与企业技术负责人交流校企合作意向，企业希望与周口师范学院共建研发中心，已联系市科技局牵线对接。",
];

/// Common issues (共性问题) solved once for many enterprises: (category code, title).
pub static COMMON_ISSUES: &[(&str, &str, &str)] = &[
    (
        "utilities",
        "产业集聚区部分企业用电容量不足",
        "市发展改革委牵头，协调供电公司对产业集聚区两座变电站实施增容改造，新增容量已于本月投运，相关企业可按需申请扩容，报装时限压缩至15个工作日。",
    ),
    (
        "utilities",
        "经开区东区天然气管网未覆盖",
        "已将经开区东区中压管网延伸工程列入年度计划，燃气公司分两期施工，一期已通气，二期预计下季度完工，期间由LNG点供保障企业用气。",
    ),
    (
        "logistics",
        "城区货车限行影响园区企业原料运输",
        "公安交警部门调整限行方案，为园区企业原料运输车辆办理通行证，夜间22时至次日6时不限行，企业可在交管平台线上申领。",
    ),
    (
        "logistics",
        "园区周边道路破损、雨季积水",
        "住建部门已完成园区周边三条道路的修补和排水管网疏通，新增雨水篦子42处，汛期安排专人巡查。",
    ),
    (
        "labor",
        "纺织服装企业普遍存在挡车工缺口",
        "人社部门联合开展“春风行动”专场招聘和挡车工定向培训，首批培训结业学员已全部上岗，后续每月组织一次专场对接。",
    ),
    (
        "financing",
        "小微企业贷款到期须先还后续，过桥成本高",
        "金融部门推动辖内银行推广无还本续贷和应急转贷业务，转贷资金费率降至日万分之一，符合条件的企业可直接向开户行申请。",
    ),
    (
        "land",
        "部分早期入驻企业厂房不动产权证未办理",
        "自然资源部门会同相关部门实行“容缺办理”，对历史遗留问题逐宗研判，已为首批企业颁发不动产权证，其余企业按计划分批办理。",
    ),
    (
        "policy",
        "2022年度技改奖补资金拨付进度慢",
        "财政部门已完成2022年度技改奖补资金审核，资金全部拨付到企业账户，今后奖补资金在公示结束后30日内拨付。",
    ),
    (
        "environment",
        "重污染天气应急管控期间企业绩效分级不合理",
        "生态环境部门组织专家对申请企业重新评估，已调整部分企业绩效分级，并明确升级申报渠道，企业可随时提交申请。",
    ),
    (
        "permits",
        "园区企业消防验收标准执行不统一",
        "住建部门印发统一的消防验收技术要点，对园区企业开展集中指导，已办理的验收事项不再重复审查。",
    ),
    (
        "talent",
        "民营企业专业技术人员职称评审渠道不畅",
        "人社部门开通民营企业职称评审绿色通道，委托行业协会开展初中级评审，本年度已受理民营企业申报人员。",
    ),
    (
        "market",
        "本地食品企业产品进入大型商超难",
        "商务部门组织本地食品企业与大型商超开展产销对接会，设立“周口好品”专柜，首批企业产品已上架。",
    ),
    (
        "other",
        "园区生活配套设施不足影响员工稳定",
        "园区新建职工公寓和食堂已投入使用，增开两条通勤公交线路，配套幼儿园秋季开园。",
    ),
];

/// 协办意见: what a co-handling unit writes for the lead unit.
pub static CO_OPINIONS: &[&str] = &[
    "经核查，企业反映情况属实，我单位同意主办单位处理意见，将在职责范围内配合办理。",
    "该事项涉及我单位审批环节，已开通绿色通道，企业补齐材料后3个工作日内办结。",
    "建议主办单位牵头召开协调会，我单位派员参加并提供相关政策依据。",
    "经查，企业符合相关扶持政策条件，我单位已将其列入本批次申报名单。",
    "我单位已安排专人对接企业，现场核实后意见详见附件。",
    "该问题需多部门联合办理，我单位负责的部分已于本周完成。",
];

/// Names of 助企工作组 (cadre work groups).
pub static WORK_GROUP_NAMES: &[&str] = &[
    "市发改委第一助企工作组",
    "市发改委第二助企工作组",
    "市工信局第一助企工作组",
    "市工信局驻西华县助企工作组",
    "市自然资源和规划局助企工作组",
    "市人社局驻川汇区助企工作组",
    "市商务局第三助企工作组",
    "市财政局驻鹿邑县助企工作组",
    "市税务局驻项城市助企工作组",
    "市生态环境局驻沈丘县助企工作组",
    "市住建局驻淮阳区助企工作组",
    "市市场监管局驻郸城县助企工作组",
    "市科技局驻经开区助企工作组",
    "市交通运输局驻商水县助企工作组",
    "市金融局驻太康县助企工作组",
    "市“万人助万企”驻扶沟县第一工作组",
];

/// What a cadre writes after a visit (走访): what was seen, then what was found or done. `{who}` is the person met.
pub static VISIT_SEEN: &[&str] = &[
    "走访企业负责人{who}，企业生产经营正常，订单饱满，一线工人满负荷生产。",
    "与企业负责人{who}座谈，了解到企业一季度产值同比增长约两成，新生产线正在调试。",
    "到企业车间实地察看，{who}介绍了技改项目进展，设备已到厂安装。",
    "走访企业，{who}反映原材料价格上涨，企业利润空间收窄，正在开拓新客户。",
    "陪同企业负责人{who}察看新厂房建设现场，主体工程已封顶。",
    "与企业财务负责人{who}交流，企业资金周转基本正常，应收账款回款偏慢。",
    "走访企业，{who}介绍企业正在申报专精特新企业，材料准备中。",
    "企业负责人{who}介绍，产品已进入省外大型商超渠道，用工需求增加。",
];

pub static VISIT_FOUND: &[&str] = &[
    "宣讲了稳岗返还和研发费用加计扣除政策，企业表示将按程序申报。",
    "企业反映新厂房用电增容报装进度较慢，已记录，待核实后登记为企业问题。",
    "企业需要招聘熟练技工约30人，已对接县人社局招聘会。",
    "企业希望了解技改设备补贴申报条件，已告知工信部门联系方式。",
    "未发现需要政府协调解决的问题，下周继续跟进。",
    "企业反映周边道路施工影响货车通行，已与交通部门沟通。",
    "协助企业对接银行，了解“科技贷”等信贷产品。",
    "上次反映的问题已办结，企业对办理结果表示满意。",
];
