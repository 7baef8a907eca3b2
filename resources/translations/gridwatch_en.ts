<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Action</name>
    <message>
        <location filename="../../ui/texts.py" line="36"/>
        <source>Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="37"/>
        <source>Merge repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="38"/>
        <source>Send to verify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="39"/>
        <source>Register</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="40"/>
        <source>Reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="41"/>
        <source>Request self-handling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="42"/>
        <source>Approve self-handling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="43"/>
        <source>Refuse self-handling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="44"/>
        <source>Dispatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="45"/>
        <source>Void</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="46"/>
        <source>Accept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="47"/>
        <source>Request return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="48"/>
        <source>Approve return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="49"/>
        <source>Refuse return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="50"/>
        <source>Request extension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="51"/>
        <source>Approve extension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="52"/>
        <source>Refuse extension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="53"/>
        <source>Request suspension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="54"/>
        <source>Approve suspension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="55"/>
        <source>Refuse suspension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="56"/>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="57"/>
        <source>Feedback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="58"/>
        <source>Send to check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="59"/>
        <source>Check passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="60"/>
        <source>Check failed (rework)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="61"/>
        <source>Send back to check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="62"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="63"/>
        <source>Dispatch down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="64"/>
        <source>Hand back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="65"/>
        <source>Escalate</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ActionController</name>
    <message>
        <location filename="../../ui/actions.py" line="103"/>
        <source>New case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="260"/>
        <source>The action is no longer possible on this case. Your input:
%1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ActionDialog</name>
    <message>
        <location filename="../../ui/action_dialog.py" line="109"/>
        <source> (suggested)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="113"/>
        <source>Department</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="114"/>
        <source>Deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="123"/>
        <source>Center below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="131"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="132"/>
        <source>Urgency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="135"/>
        <source>Working hours asked for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="140"/>
        <source> (+%1 working hours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="141"/>
        <source>Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="144"/>
        <source>After-photo file (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="145"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="150"/>
        <source>Photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="152"/>
        <source>Required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="154"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="157"/>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="175"/>
        <source>After-photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/action_dialog.py" line="175"/>
        <source>Images (*.jpg *.jpeg *.png)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlertCenter</name>
    <message>
        <location filename="../../ui/live.py" line="133"/>
        <source>New %1 case %2 from %3: %4</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CalendarBanner</name>
    <message>
        <location filename="../../ui/calendar_banner.py" line="68"/>
        <source>The holidays of %1 are only estimated from the national regulation on holidays, without the adjusted working days: deadlines that reach into %1 may move. An administrator enters the State Council&apos;s notice with: gridwatch calendar import FILE</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CameraPane</name>
    <message>
        <location filename="../../ui/video_dock.py" line="66"/>
        <source>Snapshot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="67"/>
        <source>Attach a snapshot to the selected case as evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="69"/>
        <source>Mute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="69"/>
        <source>Mute this camera&apos;s sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="73"/>
        <source>Full screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="73"/>
        <source>Full screen (Esc to leave)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="77"/>
        <source>To wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="77"/>
        <source>Show this camera on the video wall&apos;s push tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="87"/>
        <source>Close this camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="132"/>
        <source>This camera has no stream address in the device table.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="138"/>
        <source>Stream not available: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="902"/>
        <source>Zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="904"/>
        <source>Draw this camera&apos;s analytics zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="905"/>
        <source>Show zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="908"/>
        <source>Show the analytics zones over the picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="937"/>
        <source>%1 has no analytics zones yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CaseDetail</name>
    <message>
        <location filename="../../ui/case_detail.py" line="127"/>
        <location filename="../../ui/case_detail.py" line="243"/>
        <source>No case selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="140"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="141"/>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="142"/>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="143"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="144"/>
        <location filename="../../ui/case_detail.py" line="159"/>
        <location filename="../../ui/case_detail.py" line="187"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="145"/>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="156"/>
        <location filename="../../ui/case_detail.py" line="166"/>
        <source>Distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="157"/>
        <source>Case no.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="158"/>
        <location filename="../../ui/case_detail.py" line="188"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="160"/>
        <source>Reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="166"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="166"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="166"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="170"/>
        <source>Double-click a camera to watch it, a loudspeaker to talk through it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="173"/>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="174"/>
        <source>Photos</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="175"/>
        <location filename="../../ui/case_detail.py" line="249"/>
        <source>Possible duplicates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="176"/>
        <source>Nearby devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="189"/>
        <source>Urgency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="190"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="191"/>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="192"/>
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="193"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="194"/>
        <source>Department</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="195"/>
        <source>Deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="196"/>
        <source>Pending request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="197"/>
        <source>Center</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="198"/>
        <source>Handbook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="214"/>
        <source>The case could not be opened: the case store cannot be reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="253"/>
        <source>Case %1 · version %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="259"/>
        <source>suggested: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="273"/>
        <source>outside every grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="278"/>
        <source>%1 (this step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="332"/>
        <source>Possible duplicates (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="333"/>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="333"/>
        <source>Loudspeaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="341"/>
        <source>online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="341"/>
        <source>offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="353"/>
        <source>top center</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="357"/>
        <source>%1 · escalated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_detail.py" line="360"/>
        <source>%1 · limit %2 · %3 · after-photos %4</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CaseQueue</name>
    <message>
        <location filename="../../ui/case_queue.py" line="55"/>
        <source>Open cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="56"/>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="60"/>
        <source>Any urgency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="64"/>
        <source>Any source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="68"/>
        <source>Any category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="70"/>
        <source>Whole district</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="75"/>
        <source>Overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="76"/>
        <source>Mine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="77"/>
        <source>Cases I reported or changed last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="79"/>
        <source>Search no., address, text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="83"/>
        <source>Rows stay still while you aim at the list; click to take the changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/case_queue.py" line="176"/>
        <source>Map selection: %n case(s) ✕</source>
        <translation>
            <numerusform>Map selection: %n case ✕</numerusform>
            <numerusform>Map selection: %n cases ✕</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="177"/>
        <source>Click to show the whole queue again</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/case_queue.py" line="198"/>
        <source>%n new case(s)</source>
        <translation>
            <numerusform>%n new case</numerusform>
            <numerusform>%n new cases</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/case_queue.py" line="200"/>
        <source>%n left the list</source>
        <translation>
            <numerusform>%n left the list</numerusform>
            <numerusform>%n left the list</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/case_queue.py" line="201"/>
        <source>%1 — click to show</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/case_queue.py" line="228"/>
        <source>%n case(s)</source>
        <translation>
            <numerusform>%n case</numerusform>
            <numerusform>%n cases</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../ui/case_model.py" line="372"/>
        <source>Time left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="373"/>
        <source>Case no.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="374"/>
        <source>Urgency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="375"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="376"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="377"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="378"/>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="379"/>
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="380"/>
        <source>Department</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="381"/>
        <source>Reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="433"/>
        <source>Clock paused outside working hours; it resumes %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="437"/>
        <source>working time left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="452"/>
        <source>%1 paused until %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/case_model.py" line="462"/>
        <source>%1 · escalated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ClosureReview</name>
    <message>
        <location filename="../../ui/review/closure.py" line="138"/>
        <source>Waiting for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="139"/>
        <source>Case no.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="140"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="141"/>
        <source>Department</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="142"/>
        <source>Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="143"/>
        <source>Since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="161"/>
        <source>Enter: approve, Enter again: confirm · B: send back, Ctrl+Enter: send · ↑/↓: move · F5: re-read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="198"/>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="198"/>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="257"/>
        <source>Closure (check passed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="275"/>
        <source>%1 waiting: %2 to close, %3 requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="279"/>
        <source> (the longest waiting; more wait)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="300"/>
        <source>Request: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="327"/>
        <source>no photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="329"/>
        <source>Nothing waits for a decision.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="332"/>
        <source>Approve (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="333"/>
        <source>Send back… (B)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="342"/>
        <source>checked, awaiting closure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="349"/>
        <source>%1 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="351"/>
        <source>%1… (B)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="357"/>
        <source>Your roles do not allow: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="382"/>
        <source>Asked: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="384"/>
        <source> (+%1 working hours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="388"/>
        <source>No check on record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="391"/>
        <source>%1 by %2 at %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="400"/>
        <source> · %1 rework(s) before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="423"/>
        <source>Not possible for you on this case: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/closure.py" line="473"/>
        <source>%1 done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Describer</name>
    <message numerus="yes">
        <location filename="../../ui/map/identify.py" line="49"/>
        <source>%n open case(s): click to zoom in</source>
        <translation>
            <numerusform>%n open case: click to zoom in</numerusform>
            <numerusform>%n open cases: click to zoom in</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="56"/>
        <source>Case %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="64"/>
        <source>on duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="64"/>
        <source>off duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="66"/>
        <source>Grid worker %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="67"/>
        <source>no phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="68"/>
        <source>no grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="82"/>
        <source>absent</source>
        <translation>absent</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="83"/>
        <source>late %1</source>
        <translation>late %1</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="83"/>
        <source>left early %1</source>
        <translation>left early %1</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="85"/>
        <source>on time %1</source>
        <translation>on time %1</translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="90"/>
        <source>Camera %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="91"/>
        <source>Loudspeaker %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="92"/>
        <source>Sensor %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="96"/>
        <source>offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="100"/>
        <source>click to watch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="102"/>
        <source>click to talk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="111"/>
        <source>lampblack %1 mg/m³ (limit %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="116"/>
        <source>purifier on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="116"/>
        <source>purifier off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="118"/>
        <source>ALARM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/identify.py" line="118"/>
        <source>no alarm</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Detector</name>
    <message>
        <location filename="../../ui/texts.py" line="120"/>
        <source>street occupation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="121"/>
        <source>illegal parking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="122"/>
        <source>overflowing bin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="123"/>
        <source>falling object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="124"/>
        <source>smoke or fire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="125"/>
        <source>object model (ONNX)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DrillDown</name>
    <message>
        <location filename="../../ui/review/evaluation.py" line="173"/>
        <source>Case no.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="174"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="175"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="176"/>
        <source>Department</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="177"/>
        <source>Reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="178"/>
        <source>Deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="200"/>
        <source>%1 cases</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <location filename="../../ui/texts.py" line="162"/>
        <source>d</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EmptyTile</name>
    <message>
        <location filename="../../ui/video_tiles.py" line="47"/>
        <source>Free: click a camera on the map or in the camera list</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EvaluationPane</name>
    <message>
        <location filename="../../ui/review/evaluation.py" line="261"/>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="262"/>
        <source>This month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="263"/>
        <source>Last month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="264"/>
        <source>Last 90 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="265"/>
        <source>Custom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="274"/>
        <source>Whole territory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="278"/>
        <source>Evaluate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="280"/>
        <source>Excel…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="281"/>
        <source>PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="287"/>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="293"/>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="297"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="320"/>
        <location filename="../../ui/review/evaluation.py" line="544"/>
        <source>No cases in this period and scope.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="327"/>
        <source>Double-click a number to list the cases behind it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="343"/>
        <source>By department</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="344"/>
        <source>By street</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="345"/>
        <source>By grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="346"/>
        <source>By source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="347"/>
        <source>By category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="348"/>
        <source>By level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="349"/>
        <source>By center</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="350"/>
        <source>Grid workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="355"/>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="356"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="357"/>
        <source>Reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="358"/>
        <source>Registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="359"/>
        <source>Self-handled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="360"/>
        <source>To handle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="361"/>
        <source>Handled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="362"/>
        <source>Handled on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="363"/>
        <source>Handle rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="364"/>
        <source>On-time handle rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="365"/>
        <source>Due to close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="366"/>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="367"/>
        <source>Closed on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="368"/>
        <source>Close rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="369"/>
        <source>On-time close rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="370"/>
        <source>Reworks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="371"/>
        <source>Rework rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="372"/>
        <source>Extended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="373"/>
        <source>Extension rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="374"/>
        <source>Overdue open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="375"/>
        <source>Overdue rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="376"/>
        <source>Late</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="377"/>
        <source>Rated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="378"/>
        <source>Satisfaction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="379"/>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="380"/>
        <source>Grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="381"/>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="382"/>
        <source>Reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="383"/>
        <source>Valid reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="384"/>
        <source>Valid rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="385"/>
        <source>Verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="386"/>
        <source>Verified on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="387"/>
        <source>On-time verify rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="388"/>
        <source>Checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="389"/>
        <source>Checked on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="390"/>
        <source>On-time check rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="391"/>
        <source>Days on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="392"/>
        <source>Working days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="393"/>
        <source>Attendance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="394"/>
        <source>Early leave</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="395"/>
        <source>Outside fence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="464"/>
        <source>Counting…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="539"/>
        <source>whole territory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="555"/>
        <source>%1 · %2 — reported %3, to handle %4, handle rate %5, on-time close rate %6, satisfaction %7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="579"/>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="581"/>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="731"/>
        <source>Export the evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="733"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="733"/>
        <source>PDF (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="754"/>
        <source>This export is not available in this build.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="758"/>
        <source>Could not write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/evaluation.py" line="761"/>
        <source>Wrote %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LayerRow</name>
    <message>
        <location filename="../../ui/map/layer_panel.py" line="32"/>
        <source>Opacity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/layer_panel.py" line="48"/>
        <source>Shown from 1:%1 in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <location filename="../../ui/map/legend.py" line="52"/>
        <source>Case on time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="53"/>
        <source>Case due soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="54"/>
        <source>Case overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="55"/>
        <source>Urgent (A)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="56"/>
        <source>Important (B)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="57"/>
        <source>Ordinary (C)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="58"/>
        <source>Component (square)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="59"/>
        <source>Event (circle)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="60"/>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="61"/>
        <source>Loudspeaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="62"/>
        <source>Sensor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="63"/>
        <source>Device offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="64"/>
        <source>Grid worker on duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="65"/>
        <source>Grid worker off duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="66"/>
        <source>Clocked on late today</source>
        <translation>Clocked on late today</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="67"/>
        <source>Left early today</source>
        <translation>Left early today</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="68"/>
        <source>Absent today</source>
        <translation>Absent today</translation>
    </message>
    <message>
        <location filename="../../ui/map/legend.py" line="69"/>
        <source>Cases, last 30 days: few → many</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login.py" line="42"/>
        <source>Sign in to gridwatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="58"/>
        <source>Workspace</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MachineCasePanel</name>
    <message>
        <location filename="../../ui/machine_case.py" line="49"/>
        <source>Confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="50"/>
        <source>Register the case with this category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="52"/>
        <source>Not a case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="53"/>
        <source>Reject it as a false alarm (counted per camera and detector)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="56"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="100"/>
        <source>No snapshot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/machine_case.py" line="102"/>
        <source>%1 · zone %2 · detector %3 · confidence %4 · %5 detection(s)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="56"/>
        <source>Map not available in this build</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="86"/>
        <source>gridwatch — %1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="83"/>
        <source> — single-user store (SQLite)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="106"/>
        <source>Case queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="107"/>
        <source>Case detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="110"/>
        <source>Video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="112"/>
        <source>Loudspeaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="243"/>
        <source>Actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="247"/>
        <source>&amp;Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="252"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="257"/>
        <source>Reset layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="261"/>
        <source>Re-read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="266"/>
        <source>Find case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="270"/>
        <source>Find camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="275"/>
        <source>Review station…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="352"/>
        <source>%1: %2 done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="412"/>
        <source>Field API %1</source>
        <translation>Field API %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="421"/>
        <source> (and %1 more)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="427"/>
        <source>Loudspeaker %1 speaking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="467"/>
        <source>● live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="456"/>
        <source>● reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="500"/>
        <source>Cannot reach the case store: the queue could not be read (F5 to try again)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="503"/>
        <source>Cannot reach the case store: the queue shows the cases as of %1 (F5 to try again)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="506"/>
        <source>Live updates interrupted, reconnecting: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="466"/>
        <source>Live updates are back</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MapWidget</name>
    <message>
        <location filename="../../ui/map/widget.py" line="96"/>
        <source>Basemap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="97"/>
        <source>Org units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="100"/>
        <source>Names</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="102"/>
        <source>Case density</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="103"/>
        <source>Open cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="104"/>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="105"/>
        <source>Grid workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="163"/>
        <source>Pan / identify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="164"/>
        <source>Box select</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="165"/>
        <source>Measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="177"/>
        <source>Whole area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="216"/>
        <source>unknown datum %1 (wgs84 or gcj02)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="234"/>
        <source>No basemap: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="241"/>
        <source>Basemap tiles from %1 could not be read; retrying.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="309"/>
        <source>Could not read the map data (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="476"/>
        <source>Watch camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="478"/>
        <source>Analytics zones…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/map/widget.py" line="491"/>
        <source>%n case(s) selected</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/map/widget.py" line="504"/>
        <source>Distance: %1 m</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Microphone</name>
    <message>
        <location filename="../../talk/microphone.py" line="89"/>
        <source>The microphone could not be opened</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../ui/report_dialog.py" line="52"/>
        <source>New case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="57"/>
        <source>— choose a category —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="68"/>
        <source>Required: what is wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="69"/>
        <source>Required: where it is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="81"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="82"/>
        <location filename="../../ui/report_dialog.py" line="118"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="83"/>
        <source>Urgency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="84"/>
        <location filename="../../ui/report_dialog.py" line="120"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="85"/>
        <location filename="../../ui/report_dialog.py" line="122"/>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="86"/>
        <source>Longitude</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="87"/>
        <source>Latitude</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="129"/>
        <source>Required: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Request</name>
    <message>
        <location filename="../../ui/texts.py" line="132"/>
        <source>return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="133"/>
        <source>extension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="134"/>
        <source>suspension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="135"/>
        <source>self-handling</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <location filename="../../ui/review/window.py" line="52"/>
        <source> — single-user store (SQLite)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="54"/>
        <source>gridwatch — %1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="54"/>
        <source>Review station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="61"/>
        <source>Closure review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="63"/>
        <source>Evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="65"/>
        <source>Thematic map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="114"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="120"/>
        <source>Re-read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="148"/>
        <source>Cannot reach the case store: the queue could not be read (F5 to try again)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="150"/>
        <source>Cannot reach the case store: the queue shows the decisions as of %1 (F5 to try again)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <location filename="../../ui/texts.py" line="94"/>
        <source>Acceptor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="95"/>
        <source>Shift leader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="96"/>
        <source>Dispatcher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="97"/>
        <source>Department handler</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="98"/>
        <source>Grid worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="99"/>
        <source>Supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="100"/>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="101"/>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SensorDialog</name>
    <message>
        <location filename="../../ui/sensor_panel.py" line="182"/>
        <source>Sensor</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SensorPanel</name>
    <message>
        <location filename="../../ui/sensor_panel.py" line="122"/>
        <source>Last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="143"/>
        <source>No sensor with this id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="153"/>
        <source>mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="153"/>
        <source>maximum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="153"/>
        <source>limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sensor_panel.py" line="155"/>
        <source>%n reading(s) in this range</source>
        <translation>
            <numerusform>%n reading in this range</numerusform>
            <numerusform>%n readings in this range</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="158"/>
        <source>online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="158"/>
        <source>offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="161"/>
        <source>smoke!</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="161"/>
        <source>no smoke</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="165"/>
        <source>purifier on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="165"/>
        <source>purifier off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="167"/>
        <source>fan on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="167"/>
        <source>fan off</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sensor_panel.py" line="169"/>
        <source>%n open alarm(s)</source>
        <translation>
            <numerusform>%n open alarm</numerusform>
            <numerusform>%n open alarms</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/sensor_panel.py" line="172"/>
        <source>last heard %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="40"/>
        <source>Sign in to gridwatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="55"/>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="56"/>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="66"/>
        <source>Wrong user name or password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="67"/>
        <source>This sign-in is disabled. Ask an administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="69"/>
        <source>This account is not a person of this store: sign in with your own user name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Source</name>
    <message>
        <location filename="../../ui/texts.py" line="72"/>
        <source>Grid worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="73"/>
        <source>Citizen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="74"/>
        <source>12345 hotline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="75"/>
        <source>Video AI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="76"/>
        <source>Sensor alarm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="77"/>
        <source>Superior transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="78"/>
        <source>Center</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <location filename="../../ui/texts.py" line="18"/>
        <source>Reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="19"/>
        <source>Verifying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="20"/>
        <source>Registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="21"/>
        <source>Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="22"/>
        <source>Dispatched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="23"/>
        <source>Handling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="24"/>
        <source>Suspended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="25"/>
        <source>Handled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="26"/>
        <source>Checking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="27"/>
        <source>Checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="28"/>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="29"/>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TalkButton</name>
    <message>
        <location filename="../../talk/button.py" line="53"/>
        <location filename="../../talk/button.py" line="99"/>
        <source>Hold to talk (F8)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="110"/>
        <source>No microphone: connect one to talk to the loudspeakers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="112"/>
        <source>Choose a loudspeaker first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="118"/>
        <source>Hold to talk to: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="148"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="175"/>
        <source>Talking… release to stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="177"/>
        <source>You took the speaker over from %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="184"/>
        <source>In use by %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="189"/>
        <source>Talk not possible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="234"/>
        <source>%s took over the speaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../talk/button.py" line="236"/>
        <source>%s (a higher role) took over the speaker and stopped your talk. Talk again when they have finished.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TalkPanel</name>
    <message>
        <location filename="../../ui/talk_panel.py" line="49"/>
        <source>Click a loudspeaker on the map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="57"/>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="63"/>
        <source>Or type a warning (spoken in Mandarin)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="64"/>
        <source>Send warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="75"/>
        <source>Spoken warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="87"/>
        <source>Street stall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="88"/>
        <source>Illegal parking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="89"/>
        <source>Littering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="90"/>
        <source>Throwing from height</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="91"/>
        <source>Smoke or fire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="92"/>
        <source>Crowd</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="99"/>
        <source>No loudspeaker %1 in the device table.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="115"/>
        <source>online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="115"/>
        <source>offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="117"/>
        <source>playing a warning…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="119"/>
        <source>speaking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="144"/>
        <source>Playing a warning on %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="162"/>
        <source>%1 took over the speaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/talk_panel.py" line="165"/>
        <source>Warning played on %1 (%2 s).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThematicMap</name>
    <message>
        <location filename="../../ui/review/thematic.py" line="56"/>
        <source>Colour grids by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="74"/>
        <source>Map switched off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="80"/>
        <source>Case density (reported per km²)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="81"/>
        <source>Overdue rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="82"/>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="83"/>
        <source>Heatmap of cases (last 30 days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="143"/>
        <source>cases of the last 30 days: few → many</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/review/thematic.py" line="154"/>
        <source>no data</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Unit</name>
    <message>
        <location filename="../../ui/texts.py" line="109"/>
        <source>working hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="110"/>
        <source>working days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="111"/>
        <source>hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="112"/>
        <source>days</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Urgency</name>
    <message>
        <location filename="../../ui/texts.py" line="85"/>
        <source>A Urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="86"/>
        <source>B Important</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/texts.py" line="87"/>
        <source>C Normal</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VideoDock</name>
    <message>
        <location filename="../../ui/video_dock.py" line="175"/>
        <source>Click a camera on the map, or find one in the list, to watch it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="195"/>
        <source>1 camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="196"/>
        <source>2×2 cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="222"/>
        <source> — offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="226"/>
        <source>Find a camera…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="244"/>
        <source>No camera matches “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="253"/>
        <source>No camera %1 in the device table.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="336"/>
        <source>No case selected: select the case the snapshot is evidence for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="340"/>
        <source>No picture from %1 yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="354"/>
        <source>Snapshot of %1 attached to case %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_dock.py" line="369"/>
        <source>%1 is on the video wall, screen %2 tile %3.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VideoPane</name>
    <message>
        <location filename="../../video/pane.py" line="238"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../video/pane.py" line="239"/>
        <source>Live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../video/pane.py" line="240"/>
        <source>Stalled: no new picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../video/pane.py" line="241"/>
        <source>Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../video/pane.py" line="242"/>
        <source>Video lost</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WallControl</name>
    <message>
        <location filename="../../wall/control.py" line="48"/>
        <source>Video wall — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../wall/control.py" line="52"/>
        <source>  (offline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../wall/control.py" line="61"/>
        <source>Search cameras by code or name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../wall/control.py" line="77"/>
        <source>Monitor %1 tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../wall/control.py" line="83"/>
        <source>Show preset</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WallController</name>
    <message>
        <location filename="../../wall/controller.py" line="215"/>
        <source>ALARM %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WallTile</name>
    <message>
        <location filename="../../wall/window.py" line="44"/>
        <source>Tile %1 — drop a camera here</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <location filename="../../ui/workspaces.py" line="30"/>
        <source>Dispatcher desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/workspaces.py" line="31"/>
        <source>Review station</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ZoneCanvas</name>
    <message>
        <location filename="../../ui/zone_editor.py" line="304"/>
        <source>A zone has at most %1 points: close the polygon now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="341"/>
        <source>A zone has at most %1 points: this one has no room for another.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="366"/>
        <source>A zone keeps at least 3 points: move this one instead.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ZoneEditor</name>
    <message>
        <location filename="../../ui/zone_editor.py" line="463"/>
        <source>Analytics zones: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="487"/>
        <source>New zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="489"/>
        <source>Close polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="491"/>
        <location filename="../../ui/zone_editor.py" line="799"/>
        <source>Delete zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="500"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="505"/>
        <source>the detector&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="514"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="515"/>
        <source>Detector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="516"/>
        <source>Dwell time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="517"/>
        <source>Sensitivity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="518"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="550"/>
        <source>Click to add points, double-click to close the polygon, right-click to take a point back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="554"/>
        <source>Drag a corner to move it (Esc puts it back), double-click an edge to add one, Delete removes the one under the cursor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="575"/>
        <source>Taking a picture from the camera…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="585"/>
        <source>This camera has no stream address: zones are drawn on a blank frame.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="609"/>
        <source>No picture from the camera (%1): zones can still be drawn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="623"/>
        <source>%1: %2 false alarm(s) of %3 case(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="630"/>
        <source>Not watched by an analytics worker yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="632"/>
        <source>Worker: %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="637"/>
        <source>Zone %1 disabled: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="704"/>
        <source>Rename zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="705"/>
        <source>Change detector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="706"/>
        <source>Change dwell time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="707"/>
        <source>Change sensitivity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="708"/>
        <source>Change category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="710"/>
        <source>Change zone settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="752"/>
        <source>Move corner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="757"/>
        <source>Add corner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="762"/>
        <source>Delete corner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="770"/>
        <source>Click the zone&apos;s corners on the picture, then close the polygon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="778"/>
        <source>A zone needs at least 3 points; %1 drawn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="792"/>
        <source>Add zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="822"/>
        <source>Saved (version %1): the analytics workers pick the zones up at their next renewal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="847"/>
        <source>These zones have changes that are not saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="852"/>
        <source>Save them, discard them, or keep editing?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/zone_editor.py" line="853"/>
        <source>Keep editing</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
