<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Action</name>
    <message>
        <location filename="../../ui/texts.py" line="36"/>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="37"/>
        <source>Merge repeat</source>
        <translation>合并重复</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="38"/>
        <source>Send to verify</source>
        <translation>派核实</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="39"/>
        <source>Register</source>
        <translation>立案</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="40"/>
        <source>Reject</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="41"/>
        <source>Request self-handling</source>
        <translation>申请自行处置</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="42"/>
        <source>Approve self-handling</source>
        <translation>同意自行处置</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="43"/>
        <source>Refuse self-handling</source>
        <translation>不同意自行处置</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="44"/>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="45"/>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="46"/>
        <source>Accept</source>
        <translation>签收</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="47"/>
        <source>Request return</source>
        <translation>申请回退</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="48"/>
        <source>Approve return</source>
        <translation>同意回退</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="49"/>
        <source>Refuse return</source>
        <translation>不同意回退</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="50"/>
        <source>Request extension</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="51"/>
        <source>Approve extension</source>
        <translation>同意延期</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="52"/>
        <source>Refuse extension</source>
        <translation>不同意延期</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="53"/>
        <source>Request suspension</source>
        <translation>申请挂账</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="54"/>
        <source>Approve suspension</source>
        <translation>同意挂账</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="55"/>
        <source>Refuse suspension</source>
        <translation>不同意挂账</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="56"/>
        <source>Resume</source>
        <translation>恢复处置</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="57"/>
        <source>Feedback</source>
        <translation>处理反馈</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="58"/>
        <source>Send to check</source>
        <translation>派核查</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="59"/>
        <source>Check passed</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="60"/>
        <source>Check failed (rework)</source>
        <translation>核查不通过（返工）</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="61"/>
        <source>Send back to check</source>
        <translation>退回核查</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="62"/>
        <source>Close</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="63"/>
        <source>Dispatch down</source>
        <translation>下派</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="64"/>
        <source>Hand back</source>
        <translation>退回上级</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="65"/>
        <source>Escalate</source>
        <translation>上报（吹哨）</translation>
    </message>
</context>
<context>
    <name>ActionController</name>
    <message>
        <location filename="../../ui/actions.py" line="103"/>
        <source>New case…</source>
        <translation>新建案件…</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="260"/>
        <source>The action is no longer possible on this case. Your input:
%1</source>
        <translation>该案件已不能执行此操作。您填写的内容：
%1</translation>
    </message>
</context>
<context>
    <name>ActionDialog</name>
    <message>
        <location filename="../../ui/action_dialog.py" line="109"/>
        <source> (suggested)</source>
        <translation>（建议）</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="113"/>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="114"/>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="123"/>
        <source>Center below</source>
        <translation>下级中心</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="131"/>
        <source>Category</source>
        <translation>案件类别</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="132"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="135"/>
        <source>Working hours asked for</source>
        <translation>申请工作小时数</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="140"/>
        <source> (+%1 working hours)</source>
        <translation>（+%1 工作小时）</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="141"/>
        <source>Request</source>
        <translation>申请</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="144"/>
        <source>After-photo file (optional)</source>
        <translation>处置后照片文件（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="145"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="150"/>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="152"/>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="154"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="157"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="175"/>
        <source>After-photo</source>
        <translation>处置后照片</translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="175"/>
        <source>Images (*.jpg *.jpeg *.png)</source>
        <translation>图片 (*.jpg *.jpeg *.png)</translation>
    </message>
</context>
<context>
    <name>AlertCenter</name>
    <message>
        <location filename="../../ui/live.py" line="133"/>
        <source>New %1 case %2 from %3: %4</source>
        <translation>新%1案件 %2（%3）：%4</translation>
    </message>
</context>
<context>
    <name>CalendarBanner</name>
    <message>
        <location filename="../../ui/calendar_banner.py" line="68"/>
        <source>The holidays of %1 are only estimated from the national regulation on holidays, without the adjusted working days: deadlines that reach into %1 may move. An administrator enters the State Council&apos;s notice with: gridwatch calendar import FILE</source>
        <translation>%1 年的放假安排尚未录入，目前按《全国年节及纪念日放假办法》估算（不含调休）：截止时间落在 %1 年的处置时限可能会变动。请管理员录入国务院办公厅放假通知：gridwatch calendar import 文件</translation>
    </message>
</context>
<context>
    <name>CameraPane</name>
    <message>
        <location filename="../../ui/video_dock.py" line="66"/>
        <source>Snapshot</source>
        <translation>抓图</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="67"/>
        <source>Attach a snapshot to the selected case as evidence</source>
        <translation>抓取当前画面，作为证据附到所选案件</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="69"/>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="69"/>
        <source>Mute this camera&apos;s sound</source>
        <translation>关闭此摄像头的声音</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="73"/>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="73"/>
        <source>Full screen (Esc to leave)</source>
        <translation>全屏（按 Esc 退出）</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="77"/>
        <source>To wall</source>
        <translation>上墙</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="77"/>
        <source>Show this camera on the video wall&apos;s push tile</source>
        <translation>将此摄像头上墙（上墙画面位）</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="87"/>
        <source>Close this camera</source>
        <translation>关闭此画面</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="132"/>
        <source>This camera has no stream address in the device table.</source>
        <translation>设备表中没有此摄像头的视频流地址。</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="138"/>
        <source>Stream not available: %1</source>
        <translation>视频流不可用：%1</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="902"/>
        <source>Zones</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="904"/>
        <source>Draw this camera&apos;s analytics zones</source>
        <translation>绘制该摄像机的智能分析区域</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="905"/>
        <source>Show zones</source>
        <translation>显示区域</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="908"/>
        <source>Show the analytics zones over the picture</source>
        <translation>在画面上显示智能分析区域</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="937"/>
        <source>%1 has no analytics zones yet.</source>
        <translation>%1 尚未设置智能分析区域。</translation>
    </message>
</context>
<context>
    <name>CaseDetail</name>
    <message>
        <location filename="../../ui/case_detail.py" line="127"/>
        <location filename="../../ui/case_detail.py" line="243"/>
        <source>No case selected</source>
        <translation>未选择案件</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="140"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="141"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="142"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="143"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="144"/>
        <location filename="../../ui/case_detail.py" line="159"/>
        <location filename="../../ui/case_detail.py" line="187"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="145"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="156"/>
        <location filename="../../ui/case_detail.py" line="166"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="157"/>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="158"/>
        <location filename="../../ui/case_detail.py" line="188"/>
        <source>Category</source>
        <translation>案件类别</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="160"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="166"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="166"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="166"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="170"/>
        <source>Double-click a camera to watch it, a loudspeaker to talk through it</source>
        <translation>双击摄像头查看画面，双击喇叭进行喊话</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="173"/>
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="174"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="175"/>
        <location filename="../../ui/case_detail.py" line="249"/>
        <source>Possible duplicates</source>
        <translation>疑似重复</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="176"/>
        <source>Nearby devices</source>
        <translation>附近设备</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="189"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="190"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="191"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="192"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="193"/>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="194"/>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="195"/>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="196"/>
        <source>Pending request</source>
        <translation>待审批申请</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="197"/>
        <source>Center</source>
        <translation>所在中心</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="198"/>
        <source>Handbook</source>
        <translation>指挥手册</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="214"/>
        <source>The case could not be opened: the case store cannot be reached</source>
        <translation>无法打开该案件：连接不上案件库</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="253"/>
        <source>Case %1 · version %2</source>
        <translation>案件 %1 · 版本 %2</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="259"/>
        <source>suggested: %1</source>
        <translation>建议：%1</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="273"/>
        <source>outside every grid</source>
        <translation>不在任何网格内</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="278"/>
        <source>%1 (this step)</source>
        <translation>%1（本环节）</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="332"/>
        <source>Possible duplicates (%1)</source>
        <translation>疑似重复（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="333"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="333"/>
        <source>Loudspeaker</source>
        <translation>喇叭</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="341"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="341"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="353"/>
        <source>top center</source>
        <translation>顶层中心</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="357"/>
        <source>%1 · escalated</source>
        <translation>%1 · 上报</translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="360"/>
        <source>%1 · limit %2 · %3 · after-photos %4</source>
        <translation>%1 · 时限 %2 · %3 · 处置后照片 %4 张</translation>
    </message>
</context>
<context>
    <name>CaseQueue</name>
    <message>
        <location filename="../../ui/case_queue.py" line="55"/>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="56"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="60"/>
        <source>Any urgency</source>
        <translation>全部紧急程度</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="64"/>
        <source>Any source</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="68"/>
        <source>Any category</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="70"/>
        <source>Whole district</source>
        <translation>全区</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="75"/>
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="76"/>
        <source>Mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="77"/>
        <source>Cases I reported or changed last</source>
        <translation>我上报或最后办理的案件</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="79"/>
        <source>Search no., address, text</source>
        <translation>搜索编号、地址、描述</translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="83"/>
        <source>Rows stay still while you aim at the list; click to take the changes</source>
        <translation>指向或选中列表时各行保持不动；点击以显示变化</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/case_queue.py" line="176"/>
        <source>Map selection: %n case(s) ✕</source>
        <translation>
            <numerusform>地图框选：%n 件案件 ✕</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="177"/>
        <source>Click to show the whole queue again</source>
        <translation>点击恢复显示整个队列</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/case_queue.py" line="198"/>
        <source>%n new case(s)</source>
        <translation>
            <numerusform>%n 件新案件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/case_queue.py" line="200"/>
        <source>%n left the list</source>
        <translation>
            <numerusform>%n 件已移出列表</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="201"/>
        <source>%1 — click to show</source>
        <translation>%1 — 点击显示</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/case_queue.py" line="228"/>
        <source>%n case(s)</source>
        <translation>
            <numerusform>%n 件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../ui/case_model.py" line="372"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="373"/>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="374"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="375"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="376"/>
        <source>Category</source>
        <translation>案件类别</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="377"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="378"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="379"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="380"/>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="381"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="433"/>
        <source>Clock paused outside working hours; it resumes %1</source>
        <translation>非工作时间计时暂停，%1 恢复计时</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="437"/>
        <source>working time left</source>
        <translation>剩余工作时间</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="452"/>
        <source>%1 paused until %2</source>
        <translation>%1 暂停至 %2</translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="462"/>
        <source>%1 · escalated</source>
        <translation>%1 · 上报</translation>
    </message>
</context>
<context>
    <name>ClosureReview</name>
    <message>
        <location filename="../../ui/review/closure.py" line="138"/>
        <source>Waiting for</source>
        <translation>待办事项</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="139"/>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="140"/>
        <source>Category</source>
        <translation>案件类别</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="141"/>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="142"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="143"/>
        <source>Since</source>
        <translation>等待自</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="161"/>
        <source>Enter: approve, Enter again: confirm · B: send back, Ctrl+Enter: send · ↑/↓: move · F5: re-read</source>
        <translation>Enter：同意，再按 Enter 确认 · B：退回（填写理由），Ctrl+Enter 提交 · ↑/↓：上一件/下一件 · F5：刷新</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="198"/>
        <source>Before</source>
        <translation>处置前</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="198"/>
        <source>After</source>
        <translation>处置后</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="257"/>
        <source>Closure (check passed)</source>
        <translation>待结案（核查通过）</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="275"/>
        <source>%1 waiting: %2 to close, %3 requests</source>
        <translation>待审核 %1 件：待结案 %2 件，申请 %3 件</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="279"/>
        <source> (the longest waiting; more wait)</source>
        <translation>（仅列出等待最久的，另有更多）</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="300"/>
        <source>Request: %1</source>
        <translation>申请：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="327"/>
        <source>no photo</source>
        <translation>无照片</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="329"/>
        <source>Nothing waits for a decision.</source>
        <translation>没有待审核的事项。</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="332"/>
        <source>Approve (Enter)</source>
        <translation>同意 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="333"/>
        <source>Send back… (B)</source>
        <translation>退回… (B)</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="342"/>
        <source>checked, awaiting closure</source>
        <translation>已核查，待结案</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="349"/>
        <source>%1 (Enter)</source>
        <translation>%1 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="351"/>
        <source>%1… (B)</source>
        <translation>%1… (B)</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="357"/>
        <source>Your roles do not allow: %1</source>
        <translation>您的角色无权：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="382"/>
        <source>Asked: %1</source>
        <translation>申请理由：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="384"/>
        <source> (+%1 working hours)</source>
        <translation>（延长 %1 工作小时）</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="388"/>
        <source>No check on record.</source>
        <translation>无核查记录。</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="391"/>
        <source>%1 by %2 at %3</source>
        <translation>%1：%2，%3</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="400"/>
        <source> · %1 rework(s) before</source>
        <translation> · 此前返工 %1 次</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="423"/>
        <source>Not possible for you on this case: %1</source>
        <translation>您不能对此案件执行：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="473"/>
        <source>%1 done</source>
        <translation>%1 已完成</translation>
    </message>
</context>
<context>
    <name>Describer</name>
    <message numerus="yes">
        <location filename="../../ui/map/identify.py" line="49"/>
        <source>%n open case(s): click to zoom in</source>
        <translation>
            <numerusform>%n 件在办案件：点击放大</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="56"/>
        <source>Case %1: %2</source>
        <translation>案件 %1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="64"/>
        <source>on duty</source>
        <translation>在岗</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="64"/>
        <source>off duty</source>
        <translation>离岗</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="66"/>
        <source>Grid worker %1</source>
        <translation>网格员 %1</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="67"/>
        <source>no phone</source>
        <translation>无电话</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="68"/>
        <source>no grid</source>
        <translation>无网格</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="82"/>
        <source>absent</source>
        <translation>缺勤</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="83"/>
        <source>late %1</source>
        <translation>迟到 %1</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="83"/>
        <source>left early %1</source>
        <translation>早退 %1</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="85"/>
        <source>on time %1</source>
        <translation>按时 %1</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="90"/>
        <source>Camera %1 (%2)</source>
        <translation>摄像头 %1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="91"/>
        <source>Loudspeaker %1 (%2)</source>
        <translation>喇叭 %1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="92"/>
        <source>Sensor %1 (%2)</source>
        <translation>传感器 %1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="96"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="100"/>
        <source>click to watch</source>
        <translation>点击观看</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="102"/>
        <source>click to talk</source>
        <translation>点击喊话</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="111"/>
        <source>lampblack %1 mg/m³ (limit %2)</source>
        <translation>油烟 %1 mg/m³（限值 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="116"/>
        <source>purifier on</source>
        <translation>净化器开启</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="116"/>
        <source>purifier off</source>
        <translation>净化器关闭</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="118"/>
        <source>ALARM</source>
        <translation>报警</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="118"/>
        <source>no alarm</source>
        <translation>无报警</translation>
    </message>
</context>
<context>
    <name>Detector</name>
    <message>
        <location filename="../../ui/texts.py" line="120"/>
        <source>street occupation</source>
        <translation>占道经营</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="121"/>
        <source>illegal parking</source>
        <translation>违规停车</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="122"/>
        <source>overflowing bin</source>
        <translation>垃圾满溢</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="123"/>
        <source>falling object</source>
        <translation>高空抛物</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="124"/>
        <source>smoke or fire</source>
        <translation>烟雾火情</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="125"/>
        <source>object model (ONNX)</source>
        <translation>目标识别模型（ONNX）</translation>
    </message>
</context>
<context>
    <name>DrillDown</name>
    <message>
        <location filename="../../ui/review/evaluation.py" line="173"/>
        <source>Case no.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="174"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="175"/>
        <source>Category</source>
        <translation>案件类别</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="176"/>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="177"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="178"/>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="200"/>
        <source>%1 cases</source>
        <translation>共 %1 件</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <location filename="../../ui/texts.py" line="162"/>
        <source>d</source>
        <translation>天</translation>
    </message>
</context>
<context>
    <name>EmptyTile</name>
    <message>
        <location filename="../../ui/video_tiles.py" line="47"/>
        <source>Free: click a camera on the map or in the camera list</source>
        <translation>空闲：在地图或摄像头列表中点击摄像头</translation>
    </message>
</context>
<context>
    <name>EvaluationPane</name>
    <message>
        <location filename="../../ui/review/evaluation.py" line="261"/>
        <source>Last 30 days</source>
        <translation>近 30 天</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="262"/>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="263"/>
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="264"/>
        <source>Last 90 days</source>
        <translation>近 90 天</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="265"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="274"/>
        <source>Whole territory</source>
        <translation>全辖区</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="278"/>
        <source>Evaluate</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="280"/>
        <source>Excel…</source>
        <translation>Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="281"/>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="287"/>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="293"/>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="297"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="320"/>
        <location filename="../../ui/review/evaluation.py" line="544"/>
        <source>No cases in this period and scope.</source>
        <translation>该时段和范围内没有案件。</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="327"/>
        <source>Double-click a number to list the cases behind it.</source>
        <translation>双击数字可列出其对应的案件。</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="343"/>
        <source>By department</source>
        <translation>按部门</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="344"/>
        <source>By street</source>
        <translation>按街道</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="345"/>
        <source>By grid</source>
        <translation>按网格</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="346"/>
        <source>By source</source>
        <translation>按来源</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="347"/>
        <source>By category</source>
        <translation>按类别</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="348"/>
        <source>By level</source>
        <translation>按层级</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="349"/>
        <source>By center</source>
        <translation>按中心</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="350"/>
        <source>Grid workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="355"/>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="356"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="357"/>
        <source>Reported</source>
        <translation>上报数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="358"/>
        <source>Registered</source>
        <translation>立案数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="359"/>
        <source>Self-handled</source>
        <translation>自行处置数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="360"/>
        <source>To handle</source>
        <translation>应处置数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="361"/>
        <source>Handled</source>
        <translation>处置数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="362"/>
        <source>Handled on time</source>
        <translation>按期处置数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="363"/>
        <source>Handle rate</source>
        <translation>处置率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="364"/>
        <source>On-time handle rate</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="365"/>
        <source>Due to close</source>
        <translation>应结案数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="366"/>
        <source>Closed</source>
        <translation>结案数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="367"/>
        <source>Closed on time</source>
        <translation>按期结案数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="368"/>
        <source>Close rate</source>
        <translation>结案率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="369"/>
        <source>On-time close rate</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="370"/>
        <source>Reworks</source>
        <translation>返工数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="371"/>
        <source>Rework rate</source>
        <translation>返工率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="372"/>
        <source>Extended</source>
        <translation>延期数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="373"/>
        <source>Extension rate</source>
        <translation>延期率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="374"/>
        <source>Overdue open</source>
        <translation>超期待处置数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="375"/>
        <source>Overdue rate</source>
        <translation>超期待处置率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="376"/>
        <source>Late</source>
        <translation>超期数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="377"/>
        <source>Rated</source>
        <translation>评价数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="378"/>
        <source>Satisfaction</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="379"/>
        <source>Score</source>
        <translation>综合得分</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="380"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="381"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="382"/>
        <source>Reports</source>
        <translation>上报数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="383"/>
        <source>Valid reports</source>
        <translation>有效上报数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="384"/>
        <source>Valid rate</source>
        <translation>有效上报率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="385"/>
        <source>Verified</source>
        <translation>核实数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="386"/>
        <source>Verified on time</source>
        <translation>按时核实数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="387"/>
        <source>On-time verify rate</source>
        <translation>按时核实率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="388"/>
        <source>Checked</source>
        <translation>核查数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="389"/>
        <source>Checked on time</source>
        <translation>按时核查数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="390"/>
        <source>On-time check rate</source>
        <translation>按时核查率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="391"/>
        <source>Days on</source>
        <translation>出勤天数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="392"/>
        <source>Working days</source>
        <translation>工作日数</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="393"/>
        <source>Attendance</source>
        <translation>出勤率</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="394"/>
        <source>Early leave</source>
        <translation>早退</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="395"/>
        <source>Outside fence</source>
        <translation>范围外打卡</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="464"/>
        <source>Counting…</source>
        <translation>统计中…</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="539"/>
        <source>whole territory</source>
        <translation>全辖区</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="555"/>
        <source>%1 · %2 — reported %3, to handle %4, handle rate %5, on-time close rate %6, satisfaction %7</source>
        <translation>%1 · %2 — 上报 %3 件，应处置 %4 件，处置率 %5，按期结案率 %6，满意率 %7</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="579"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="581"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="731"/>
        <source>Export the evaluation</source>
        <translation>导出考评</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="733"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="733"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="754"/>
        <source>This export is not available in this build.</source>
        <translation>此版本不提供该导出。</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="758"/>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="761"/>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
</context>
<context>
    <name>LayerRow</name>
    <message>
        <location filename="../../ui/map/layer_panel.py" line="32"/>
        <source>Opacity</source>
        <translation>透明度</translation>
    </message>
    <message>
        <location filename="../../ui/map/layer_panel.py" line="48"/>
        <source>Shown from 1:%1 in</source>
        <translation>放大到 1:%1 及以上时显示</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <location filename="../../ui/map/legend.py" line="52"/>
        <source>Case on time</source>
        <translation>案件 未超时</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="53"/>
        <source>Case due soon</source>
        <translation>案件 即将超时</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="54"/>
        <source>Case overdue</source>
        <translation>案件 已超时</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="55"/>
        <source>Urgent (A)</source>
        <translation>紧急（A）</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="56"/>
        <source>Important (B)</source>
        <translation>重要（B）</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="57"/>
        <source>Ordinary (C)</source>
        <translation>普通（C）</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="58"/>
        <source>Component (square)</source>
        <translation>部件（方形）</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="59"/>
        <source>Event (circle)</source>
        <translation>事件（圆形）</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="60"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="61"/>
        <source>Loudspeaker</source>
        <translation>喇叭</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="62"/>
        <source>Sensor</source>
        <translation>传感器</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="63"/>
        <source>Device offline</source>
        <translation>设备离线</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="64"/>
        <source>Grid worker on duty</source>
        <translation>网格员 在岗</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="65"/>
        <source>Grid worker off duty</source>
        <translation>网格员 离岗</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="66"/>
        <source>Clocked on late today</source>
        <translation>今日迟到</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="67"/>
        <source>Left early today</source>
        <translation>今日早退</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="68"/>
        <source>Absent today</source>
        <translation>今日缺勤</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="69"/>
        <source>Cases, last 30 days: few → many</source>
        <translation>近30天案件 少→多</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login.py" line="42"/>
        <source>Sign in to gridwatch</source>
        <translation>登录 gridwatch</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="58"/>
        <source>Workspace</source>
        <translation>工作台</translation>
    </message>
</context>
<context>
    <name>MachineCasePanel</name>
    <message>
        <location filename="../../ui/machine_case.py" line="49"/>
        <source>Confirm</source>
        <translation>确认立案</translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="50"/>
        <source>Register the case with this category</source>
        <translation>按此类别立案</translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="52"/>
        <source>Not a case</source>
        <translation>不是案件</translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="53"/>
        <source>Reject it as a false alarm (counted per camera and detector)</source>
        <translation>作为误报不予受理（按摄像机和检测器统计）</translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="56"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="100"/>
        <source>No snapshot</source>
        <translation>无抓拍图</translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="102"/>
        <source>%1 · zone %2 · detector %3 · confidence %4 · %5 detection(s)</source>
        <translation>%1 · 区域 %2 · 检测器 %3 · 置信度 %4 · 检测 %5 次</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="56"/>
        <source>Map not available in this build</source>
        <translation>此版本未包含地图</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="86"/>
        <source>gridwatch — %1 — %2</source>
        <translation>gridwatch — %1 — %2</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="83"/>
        <source> — single-user store (SQLite)</source>
        <translation> — 单用户存储 (SQLite)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="106"/>
        <source>Case queue</source>
        <translation>案件队列</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="107"/>
        <source>Case detail</source>
        <translation>案件详情</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="110"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="112"/>
        <source>Loudspeaker</source>
        <translation>喇叭</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="243"/>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="247"/>
        <source>&amp;Case</source>
        <translation>案件(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="252"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="257"/>
        <source>Reset layout</source>
        <translation>恢复默认布局</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="261"/>
        <source>Re-read</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="266"/>
        <source>Find case</source>
        <translation>查找案件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="270"/>
        <source>Find camera</source>
        <translation>查找摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="275"/>
        <source>Review station…</source>
        <translation>考评审核台…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="352"/>
        <source>%1: %2 done</source>
        <translation>%1：已%2</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="412"/>
        <source>Field API %1</source>
        <translation>现场接口 %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="421"/>
        <source> (and %1 more)</source>
        <translation>（另有 %1 条）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="427"/>
        <source>Loudspeaker %1 speaking</source>
        <translation>喇叭 %1 正在播放</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="467"/>
        <source>● live</source>
        <translation>● 实时</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="456"/>
        <source>● reconnecting…</source>
        <translation>● 正在重新连接…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="500"/>
        <source>Cannot reach the case store: the queue could not be read (F5 to try again)</source>
        <translation>连接不上案件库：案件队列未能读取（按 F5 重试）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="503"/>
        <source>Cannot reach the case store: the queue shows the cases as of %1 (F5 to try again)</source>
        <translation>连接不上案件库：案件队列显示的是 %1 时的案件（按 F5 重试）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="506"/>
        <source>Live updates interrupted, reconnecting: %1</source>
        <translation>实时更新中断，正在重新连接：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="466"/>
        <source>Live updates are back</source>
        <translation>实时更新已恢复</translation>
    </message>
</context>
<context>
    <name>MapWidget</name>
    <message>
        <location filename="../../ui/map/widget.py" line="96"/>
        <source>Basemap</source>
        <translation>底图</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="97"/>
        <source>Org units</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="100"/>
        <source>Names</source>
        <translation>名称标注</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="102"/>
        <source>Case density</source>
        <translation>案件热力</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="103"/>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="104"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="105"/>
        <source>Grid workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="163"/>
        <source>Pan / identify</source>
        <translation>平移/查询</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="164"/>
        <source>Box select</source>
        <translation>框选</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="165"/>
        <source>Measure</source>
        <translation>测距</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="177"/>
        <source>Whole area</source>
        <translation>全图</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="216"/>
        <source>unknown datum %1 (wgs84 or gcj02)</source>
        <translation>未知坐标基准 %1（应为 wgs84 或 gcj02）</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="234"/>
        <source>No basemap: %1</source>
        <translation>无底图：%1</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="241"/>
        <source>Basemap tiles from %1 could not be read; retrying.</source>
        <translation>无法读取 %1 的底图瓦片，正在重试。</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="309"/>
        <source>Could not read the map data (%1).</source>
        <translation>无法读取地图数据（%1）。</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="476"/>
        <source>Watch camera</source>
        <translation>查看视频</translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="478"/>
        <source>Analytics zones…</source>
        <translation>智能分析区域…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/map/widget.py" line="491"/>
        <source>%n case(s) selected</source>
        <translation>
            <numerusform>已选 %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="504"/>
        <source>Distance: %1 m</source>
        <translation>距离：%1 米</translation>
    </message>
</context>
<context>
    <name>Microphone</name>
    <message>
        <location filename="../../talk/microphone.py" line="89"/>
        <source>The microphone could not be opened</source>
        <translation>无法打开麦克风</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../ui/report_dialog.py" line="52"/>
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="57"/>
        <source>— choose a category —</source>
        <translation>— 请选择类别 —</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="68"/>
        <source>Required: what is wrong</source>
        <translation>必填：问题描述</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="69"/>
        <source>Required: where it is</source>
        <translation>必填：问题地址</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="81"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="82"/>
        <location filename="../../ui/report_dialog.py" line="118"/>
        <source>Category</source>
        <translation>案件类别</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="83"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="84"/>
        <location filename="../../ui/report_dialog.py" line="120"/>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="85"/>
        <location filename="../../ui/report_dialog.py" line="122"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="86"/>
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="87"/>
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="129"/>
        <source>Required: %1</source>
        <translation>必填：%1</translation>
    </message>
</context>
<context>
    <name>Request</name>
    <message>
        <location filename="../../ui/texts.py" line="132"/>
        <source>return</source>
        <translation>回退</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="133"/>
        <source>extension</source>
        <translation>延期</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="134"/>
        <source>suspension</source>
        <translation>挂账</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="135"/>
        <source>self-handling</source>
        <translation>自行处置</translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <location filename="../../ui/review/window.py" line="52"/>
        <source> — single-user store (SQLite)</source>
        <translation> — 单用户存储 (SQLite)</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="54"/>
        <source>gridwatch — %1 — %2</source>
        <translation>gridwatch — %1 — %2</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="54"/>
        <source>Review station</source>
        <translation>考评审核台</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="61"/>
        <source>Closure review</source>
        <translation>结案审核</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="63"/>
        <source>Evaluation</source>
        <translation>考评</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="65"/>
        <source>Thematic map</source>
        <translation>专题图</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="114"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="120"/>
        <source>Re-read</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="148"/>
        <source>Cannot reach the case store: the queue could not be read (F5 to try again)</source>
        <translation>连接不上案件库：审核队列未能读取（按 F5 重试）</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="150"/>
        <source>Cannot reach the case store: the queue shows the decisions as of %1 (F5 to try again)</source>
        <translation>连接不上案件库：审核队列显示的是 %1 时待审核的事项（按 F5 重试）</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <location filename="../../ui/texts.py" line="94"/>
        <source>Acceptor</source>
        <translation>受理员</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="95"/>
        <source>Shift leader</source>
        <translation>值班长</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="96"/>
        <source>Dispatcher</source>
        <translation>派遣员</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="97"/>
        <source>Department handler</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="98"/>
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="99"/>
        <source>Supervisor</source>
        <translation>监督考评</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="100"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="101"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
</context>
<context>
    <name>SensorDialog</name>
    <message>
        <location filename="../../ui/sensor_panel.py" line="182"/>
        <source>Sensor</source>
        <translation>传感器</translation>
    </message>
</context>
<context>
    <name>SensorPanel</name>
    <message>
        <location filename="../../ui/sensor_panel.py" line="122"/>
        <source>Last</source>
        <translation>最近</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="143"/>
        <source>No sensor with this id.</source>
        <translation>没有此编号的传感器。</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="153"/>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="153"/>
        <source>maximum</source>
        <translation>最大值</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="153"/>
        <source>limit</source>
        <translation>限值</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sensor_panel.py" line="155"/>
        <source>%n reading(s) in this range</source>
        <translation>
            <numerusform>此时段 %n 条读数</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="158"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="158"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="161"/>
        <source>smoke!</source>
        <translation>烟雾报警！</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="161"/>
        <source>no smoke</source>
        <translation>无烟雾</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="165"/>
        <source>purifier on</source>
        <translation>净化器开</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="165"/>
        <source>purifier off</source>
        <translation>净化器关</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="167"/>
        <source>fan on</source>
        <translation>风机开</translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="167"/>
        <source>fan off</source>
        <translation>风机关</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sensor_panel.py" line="169"/>
        <source>%n open alarm(s)</source>
        <translation>
            <numerusform>%n 条未消除报警</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="172"/>
        <source>last heard %1</source>
        <translation>最后通信 %1</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="40"/>
        <source>Sign in to gridwatch</source>
        <translation>登录 gridwatch</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="55"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="56"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="66"/>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="67"/>
        <source>This sign-in is disabled. Ask an administrator.</source>
        <translation>该账号已停用，请联系系统管理员。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="69"/>
        <source>This account is not a person of this store: sign in with your own user name.</source>
        <translation>该账号不是本系统的人员账号：请用您本人的用户名登录。</translation>
    </message>
</context>
<context>
    <name>Source</name>
    <message>
        <location filename="../../ui/texts.py" line="72"/>
        <source>Grid worker</source>
        <translation>网格员上报</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="73"/>
        <source>Citizen</source>
        <translation>公众举报</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="74"/>
        <source>12345 hotline</source>
        <translation>12345热线</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="75"/>
        <source>Video AI</source>
        <translation>视频智能识别</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="76"/>
        <source>Sensor alarm</source>
        <translation>物联感知</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="77"/>
        <source>Superior transfer</source>
        <translation>上级转办</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="78"/>
        <source>Center</source>
        <translation>坐席发现</translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <location filename="../../ui/texts.py" line="18"/>
        <source>Reported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="19"/>
        <source>Verifying</source>
        <translation>核实中</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="20"/>
        <source>Registered</source>
        <translation>已立案</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="21"/>
        <source>Rejected</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="22"/>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="23"/>
        <source>Handling</source>
        <translation>处置中</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="24"/>
        <source>Suspended</source>
        <translation>挂账中</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="25"/>
        <source>Handled</source>
        <translation>已处置</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="26"/>
        <source>Checking</source>
        <translation>核查中</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="27"/>
        <source>Checked</source>
        <translation>待结案</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="28"/>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="29"/>
        <source>Cancelled</source>
        <translation>已作废</translation>
    </message>
</context>
<context>
    <name>TalkButton</name>
    <message>
        <location filename="../../talk/button.py" line="53"/>
        <location filename="../../talk/button.py" line="99"/>
        <source>Hold to talk (F8)</source>
        <translation>按住讲话 (F8)</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="110"/>
        <source>No microphone: connect one to talk to the loudspeakers</source>
        <translation>没有麦克风：请接入麦克风后再向喇叭喊话</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="112"/>
        <source>Choose a loudspeaker first</source>
        <translation>请先选择喇叭</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="118"/>
        <source>Hold to talk to: %s</source>
        <translation>按住向以下喇叭讲话：%s</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="148"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="175"/>
        <source>Talking… release to stop</source>
        <translation>正在讲话… 松开结束</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="177"/>
        <source>You took the speaker over from %s</source>
        <translation>你已从 %s 接管了喇叭</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="184"/>
        <source>In use by %s</source>
        <translation>在用：%s</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="189"/>
        <source>Talk not possible</source>
        <translation>无法喊话</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="234"/>
        <source>%s took over the speaker</source>
        <translation>%s 接管了喇叭</translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="236"/>
        <source>%s (a higher role) took over the speaker and stopped your talk. Talk again when they have finished.</source>
        <translation>%s（更高级别的角色）接管了喇叭，你的讲话已停止。请等对方结束后再讲。</translation>
    </message>
</context>
<context>
    <name>TalkPanel</name>
    <message>
        <location filename="../../ui/talk_panel.py" line="49"/>
        <source>Click a loudspeaker on the map.</source>
        <translation>请在地图上点击一个喇叭。</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="57"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="63"/>
        <source>Or type a warning (spoken in Mandarin)</source>
        <translation>或输入警示语（以普通话播放）</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="64"/>
        <source>Send warning</source>
        <translation>播放警示语</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="75"/>
        <source>Spoken warnings</source>
        <translation>语音警示</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="87"/>
        <source>Street stall</source>
        <translation>占道经营</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="88"/>
        <source>Illegal parking</source>
        <translation>违规停车</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="89"/>
        <source>Littering</source>
        <translation>乱扔垃圾</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="90"/>
        <source>Throwing from height</source>
        <translation>高空抛物</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="91"/>
        <source>Smoke or fire</source>
        <translation>烟雾火情</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="92"/>
        <source>Crowd</source>
        <translation>人员聚集</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="99"/>
        <source>No loudspeaker %1 in the device table.</source>
        <translation>设备表中没有喇叭 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="115"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="115"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="117"/>
        <source>playing a warning…</source>
        <translation>正在播放警示语…</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="119"/>
        <source>speaking</source>
        <translation>正在播放</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="144"/>
        <source>Playing a warning on %1…</source>
        <translation>正在 %1 播放警示语…</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="162"/>
        <source>%1 took over the speaker</source>
        <translation>%1 接管了喇叭</translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="165"/>
        <source>Warning played on %1 (%2 s).</source>
        <translation>已在 %1 播放警示语（%2 秒）。</translation>
    </message>
</context>
<context>
    <name>ThematicMap</name>
    <message>
        <location filename="../../ui/review/thematic.py" line="56"/>
        <source>Colour grids by</source>
        <translation>网格着色依据</translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="74"/>
        <source>Map switched off</source>
        <translation>地图已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="80"/>
        <source>Case density (reported per km²)</source>
        <translation>案件密度（每平方公里上报数）</translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="81"/>
        <source>Overdue rate</source>
        <translation>超期待处置率</translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="82"/>
        <source>Score</source>
        <translation>综合得分</translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="83"/>
        <source>Heatmap of cases (last 30 days)</source>
        <translation>案件热力图（近 30 天）</translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="143"/>
        <source>cases of the last 30 days: few → many</source>
        <translation>近 30 天案件：少 → 多</translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="154"/>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
</context>
<context>
    <name>Unit</name>
    <message>
        <location filename="../../ui/texts.py" line="109"/>
        <source>working hours</source>
        <translation>工作小时</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="110"/>
        <source>working days</source>
        <translation>工作日</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="111"/>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="112"/>
        <source>days</source>
        <translation>天</translation>
    </message>
</context>
<context>
    <name>Urgency</name>
    <message>
        <location filename="../../ui/texts.py" line="85"/>
        <source>A Urgent</source>
        <translation>A 紧急</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="86"/>
        <source>B Important</source>
        <translation>B 重要</translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="87"/>
        <source>C Normal</source>
        <translation>C 普通</translation>
    </message>
</context>
<context>
    <name>VideoDock</name>
    <message>
        <location filename="../../ui/video_dock.py" line="175"/>
        <source>Click a camera on the map, or find one in the list, to watch it here.</source>
        <translation>在地图上点击摄像头，或在列表中查找，即可在此观看。</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="195"/>
        <source>1 camera</source>
        <translation>1 画面</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="196"/>
        <source>2×2 cameras</source>
        <translation>2×2 画面</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="222"/>
        <source> — offline</source>
        <translation> — 离线</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="226"/>
        <source>Find a camera…</source>
        <translation>查找摄像头…</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="244"/>
        <source>No camera matches “%1”.</source>
        <translation>没有与“%1”匹配的摄像头。</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="253"/>
        <source>No camera %1 in the device table.</source>
        <translation>设备表中没有摄像头 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="336"/>
        <source>No case selected: select the case the snapshot is evidence for.</source>
        <translation>未选择案件：请先选择抓图要作为证据的案件。</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="340"/>
        <source>No picture from %1 yet.</source>
        <translation>%1 还没有画面。</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="354"/>
        <source>Snapshot of %1 attached to case %2.</source>
        <translation>%1 的抓图已附到案件 %2。</translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="369"/>
        <source>%1 is on the video wall, screen %2 tile %3.</source>
        <translation>%1 已上墙：第 %2 屏第 %3 画面。</translation>
    </message>
</context>
<context>
    <name>VideoPane</name>
    <message>
        <location filename="../../video/pane.py" line="238"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../video/pane.py" line="239"/>
        <source>Live</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../video/pane.py" line="240"/>
        <source>Stalled: no new picture</source>
        <translation>卡顿：没有新画面</translation>
    </message>
    <message>
        <location filename="../../video/pane.py" line="241"/>
        <source>Reconnecting…</source>
        <translation>正在重连…</translation>
    </message>
    <message>
        <location filename="../../video/pane.py" line="242"/>
        <source>Video lost</source>
        <translation>视频丢失</translation>
    </message>
</context>
<context>
    <name>WallControl</name>
    <message>
        <location filename="../../wall/control.py" line="48"/>
        <source>Video wall — %1</source>
        <translation>视频墙 — %1</translation>
    </message>
    <message>
        <location filename="../../wall/control.py" line="52"/>
        <source>  (offline)</source>
        <translation>  （离线）</translation>
    </message>
    <message>
        <location filename="../../wall/control.py" line="61"/>
        <source>Search cameras by code or name</source>
        <translation>按编号或名称搜索摄像头</translation>
    </message>
    <message>
        <location filename="../../wall/control.py" line="77"/>
        <source>Monitor %1 tiles</source>
        <translation>第 %1 屏分格</translation>
    </message>
    <message>
        <location filename="../../wall/control.py" line="83"/>
        <source>Show preset</source>
        <translation>调用预案</translation>
    </message>
</context>
<context>
    <name>WallController</name>
    <message>
        <location filename="../../wall/controller.py" line="215"/>
        <source>ALARM %1</source>
        <translation>报警 %1</translation>
    </message>
</context>
<context>
    <name>WallTile</name>
    <message>
        <location filename="../../wall/window.py" line="44"/>
        <source>Tile %1 — drop a camera here</source>
        <translation>第 %1 格 — 把摄像头拖到这里</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <location filename="../../ui/workspaces.py" line="30"/>
        <source>Dispatcher desk</source>
        <translation>派遣员工作台</translation>
    </message>
    <message>
        <location filename="../../ui/workspaces.py" line="31"/>
        <source>Review station</source>
        <translation>考评审核台</translation>
    </message>
</context>
<context>
    <name>ZoneCanvas</name>
    <message>
        <location filename="../../ui/zone_editor.py" line="304"/>
        <source>A zone has at most %1 points: close the polygon now.</source>
        <translation>一个区域最多 %1 个点：请现在闭合多边形。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="341"/>
        <source>A zone has at most %1 points: this one has no room for another.</source>
        <translation>一个区域最多 %1 个点：此区域已无法再加点。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="366"/>
        <source>A zone keeps at least 3 points: move this one instead.</source>
        <translation>区域至少保留 3 个顶点：请改为移动此顶点。</translation>
    </message>
</context>
<context>
    <name>ZoneEditor</name>
    <message>
        <location filename="../../ui/zone_editor.py" line="463"/>
        <source>Analytics zones: %1</source>
        <translation>智能分析区域：%1</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="487"/>
        <source>New zone</source>
        <translation>新建区域</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="489"/>
        <source>Close polygon</source>
        <translation>闭合多边形</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="491"/>
        <location filename="../../ui/zone_editor.py" line="799"/>
        <source>Delete zone</source>
        <translation>删除区域</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="500"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="505"/>
        <source>the detector&apos;s own</source>
        <translation>检测器默认类别</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="514"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="515"/>
        <source>Detector</source>
        <translation>检测器</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="516"/>
        <source>Dwell time</source>
        <translation>停留时间</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="517"/>
        <source>Sensitivity</source>
        <translation>灵敏度</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="518"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="550"/>
        <source>Click to add points, double-click to close the polygon, right-click to take a point back.</source>
        <translation>单击添加顶点，双击闭合多边形，右键撤回上一个顶点。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="554"/>
        <source>Drag a corner to move it (Esc puts it back), double-click an edge to add one, Delete removes the one under the cursor.</source>
        <translation>拖动顶点可移动它（按 Esc 放回原处），双击边可添加顶点，按 Delete 删除光标下的顶点。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="575"/>
        <source>Taking a picture from the camera…</source>
        <translation>正在从摄像机抓取画面…</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="585"/>
        <source>This camera has no stream address: zones are drawn on a blank frame.</source>
        <translation>该摄像机没有视频流地址：在空白画面上绘制区域。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="609"/>
        <source>No picture from the camera (%1): zones can still be drawn.</source>
        <translation>未取得摄像机画面（%1）：仍可绘制区域。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="623"/>
        <source>%1: %2 false alarm(s) of %3 case(s)</source>
        <translation>%1：%3 个案件中误报 %2 个</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="630"/>
        <source>Not watched by an analytics worker yet.</source>
        <translation>尚无分析进程监视该摄像机。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="632"/>
        <source>Worker: %1 · %2</source>
        <translation>分析进程：%1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="637"/>
        <source>Zone %1 disabled: %2</source>
        <translation>区域 %1 已停用：%2</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="704"/>
        <source>Rename zone</source>
        <translation>重命名区域</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="705"/>
        <source>Change detector</source>
        <translation>更改检测器</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="706"/>
        <source>Change dwell time</source>
        <translation>更改停留时间</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="707"/>
        <source>Change sensitivity</source>
        <translation>更改灵敏度</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="708"/>
        <source>Change category</source>
        <translation>更改类别</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="710"/>
        <source>Change zone settings</source>
        <translation>更改区域设置</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="752"/>
        <source>Move corner</source>
        <translation>移动角点</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="757"/>
        <source>Add corner</source>
        <translation>添加角点</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="762"/>
        <source>Delete corner</source>
        <translation>删除角点</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="770"/>
        <source>Click the zone&apos;s corners on the picture, then close the polygon.</source>
        <translation>在画面上单击区域的各个角点，然后闭合多边形。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="778"/>
        <source>A zone needs at least 3 points; %1 drawn.</source>
        <translation>区域至少需要 3 个顶点；已绘制 %1 个。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="792"/>
        <source>Add zone</source>
        <translation>添加区域</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="822"/>
        <source>Saved (version %1): the analytics workers pick the zones up at their next renewal.</source>
        <translation>已保存（版本 %1）：分析进程将在下次续租时载入新区域。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="847"/>
        <source>These zones have changes that are not saved.</source>
        <translation>这些区域有未保存的更改。</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="852"/>
        <source>Save them, discard them, or keep editing?</source>
        <translation>保存、放弃，还是继续编辑？</translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="853"/>
        <source>Keep editing</source>
        <translation>继续编辑</translation>
    </message>
</context>
</TS>
