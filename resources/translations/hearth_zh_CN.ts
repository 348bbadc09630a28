<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AnywhereDictation</name>
    <message>
        <source>Dictate into other applications…</source>
        <translation>在其他应用中听写…</translation>
    </message>
    <message>
        <source>Hearth&apos;s own window had the focus, so nothing was typed: the words are in the Dictation tab. Click where the text should go, then dictate.</source>
        <translation>焦点在 Hearth 自己的窗口上，所以没有输入任何文字：听写内容在“听写”标签页中。请先点击要输入文字的位置，再开始听写。</translation>
    </message>
    <message>
        <source>Keep Hearth in the tray?</source>
        <translation>让 Hearth 留在托盘中？</translation>
    </message>
    <message>
        <source>Keep Hearth running in the tray when its window is closed, so the dictation shortcut ({shortcut}) keeps working? You can change this under File → Dictate into other applications.</source>
        <translation>关闭窗口后让 Hearth 继续在托盘中运行，以便听写快捷键（{shortcut}）仍然可用吗？之后可以在“文件 → 在其他应用中听写”中更改。</translation>
    </message>
</context>
<context>
    <name>AnywhereSettingsDialog</name>
    <message>
        <source>Always paste through the clipboard (it is restored afterwards)</source>
        <translation>始终通过剪贴板粘贴（之后会恢复剪贴板内容）</translation>
    </message>
    <message>
        <source>Always type (no clipboard; some characters may not arrive)</source>
        <translation>始终模拟键入（不用剪贴板；部分字符可能无法输入）</translation>
    </message>
    <message>
        <source>Automatic: type plain text, paste accents and other scripts</source>
        <translation>自动：普通文本直接键入，带重音符号或其他文字的内容通过粘贴</translation>
    </message>
    <message>
        <source>Click here, then use the shortcut and speak</source>
        <translation>点击这里，然后按快捷键说话</translation>
    </message>
    <message>
        <source>Closing the window keeps Hearth in the tray</source>
        <translation>关闭窗口时让 Hearth 留在托盘中</translation>
    </message>
    <message>
        <source>Dictate into any application</source>
        <translation>在任意应用中听写</translation>
    </message>
    <message>
        <source>Hold to talk: speak while holding the shortcut</source>
        <translation>按住说话：按住快捷键时说话</translation>
    </message>
    <message>
        <source>Microphone:</source>
        <translation>麦克风：</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>模式：</translation>
    </message>
    <message>
        <source>Press to start, press again to stop</source>
        <translation>按一下开始，再按一下停止</translation>
    </message>
    <message>
        <source>Shortcut:</source>
        <translation>快捷键：</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Try it:</source>
        <translation>试一试：</translation>
    </message>
    <message>
        <source>Typing:</source>
        <translation>输入方式：</translation>
    </message>
    <message>
        <source>Use a global shortcut</source>
        <translation>使用全局快捷键</translation>
    </message>
    <message>
        <source>{shortcut} now starts dictation anywhere.</source>
        <translation>现在按 {shortcut} 即可在任意位置开始听写。</translation>
    </message>
</context>
<context>
    <name>BenchChart</name>
    <message>
        <source>No results for this test yet: run a benchmark.</source>
        <translation>该测试还没有结果：请先运行一次基准测试。</translation>
    </message>
</context>
<context>
    <name>BenchmarkTab</name>
    <message>
        <source>Batch</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Batch / micro-batch</source>
        <translation>批大小 / 微批大小</translation>
    </message>
    <message>
        <source>Benchmark running: chat replies wait until it ends</source>
        <translation>基准测试运行中：聊天回复将等待其结束</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancelled before it started.</source>
        <translation>在开始前已取消。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Cancelled: the results so far are kept.</source>
        <translation>已取消：已得到的结果会保留。</translation>
    </message>
    <message>
        <source>Cancelling after the current batch…</source>
        <translation>将在当前批次完成后取消…</translation>
    </message>
    <message>
        <source>Chart of test</source>
        <translation>图表显示的测试</translation>
    </message>
    <message>
        <source>Chat models (llama-bench)</source>
        <translation>对话模型（llama-bench）</translation>
    </message>
    <message>
        <source>Chat models to measure</source>
        <translation>要测试的对话模型</translation>
    </message>
    <message>
        <source>Choose models and press Run.</source>
        <translation>选择模型，然后点击“运行”。</translation>
    </message>
    <message>
        <source>Comma-separated lists (e.g. threads 1,2) measure every combination, as llama-bench does.</source>
        <translation>用逗号分隔的列表（例如线程数 1,2）会测试所有组合，与 llama-bench 相同。</translation>
    </message>
    <message>
        <source>Could not save {name}: {error}</source>
        <translation>无法保存 {name}：{error}</translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation>删除该次运行</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>Export benchmark</source>
        <translation>导出基准测试结果</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>失败。</translation>
    </message>
    <message>
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <source>Generated tokens</source>
        <translation>生成词元数</translation>
    </message>
    <message>
        <source>Generated tokens (tg)</source>
        <translation>生成词元数（tg）</translation>
    </message>
    <message>
        <source>K cache type</source>
        <translation>K 缓存类型</translation>
    </message>
    <message>
        <source>KV cache K / V</source>
        <translation>KV 缓存 K / V</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>测量</translation>
    </message>
    <message>
        <source>Micro-batch</source>
        <translation>微批大小</translation>
    </message>
    <message>
        <source>Prompt tokens</source>
        <translation>提示词的词元数</translation>
    </message>
    <message>
        <source>Prompt tokens (pp)</source>
        <translation>提示词的词元数（pp）</translation>
    </message>
    <message>
        <source>Repetitions</source>
        <translation>重复次数</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Results and history</source>
        <translation>结果与历史</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Run</source>
        <comment>a past benchmark run</comment>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Speech models (real-time factor on an 11 s clip)</source>
        <translation>语音模型（以 11 秒音频测实时因子）</translation>
    </message>
    <message>
        <source>Speech models to measure</source>
        <translation>要测试的语音模型</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Test shown in the chart</source>
        <translation>图表中显示的测试</translation>
    </message>
    <message>
        <source>The benchmark failed: {error}</source>
        <translation>基准测试失败：{error}</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Tick at least one chat or speech model to measure.</source>
        <translation>请至少勾选一个要测试的对话或语音模型。</translation>
    </message>
    <message>
        <source>V cache type</source>
        <translation>V 缓存类型</translation>
    </message>
    <message>
        <source>Waiting for the engine…</source>
        <translation>正在等待引擎…</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开启</translation>
    </message>
    <message>
        <source>real-time factor, lower is faster</source>
        <translation>实时因子，越低越快</translation>
    </message>
    <message>
        <source>tokens/s, mean ± stddev</source>
        <translation>词元/秒，平均值 ± 标准差</translation>
    </message>
    <message>
        <source>{name}: every number must be at least {minimum}</source>
        <translation>{name}：每个数都必须不小于 {minimum}</translation>
    </message>
    <message>
        <source>{name}: give at least one number</source>
        <translation>{name}：请至少填写一个数</translation>
    </message>
    <message>
        <source>{name}: write whole numbers separated by commas, like 512 or 256,512</source>
        <translation>{name}：请填写用逗号分隔的整数，例如 512 或 256,512</translation>
    </message>
    <message>
        <source>{progress}
Benchmark running: chat replies wait until it ends.</source>
        <translation>{progress}
基准测试运行中：聊天回复将等待其结束。</translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Message the model…  (Enter sends, Shift+Enter for a new line)</source>
        <translation>给模型发消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
</context>
<context>
    <name>ChatPane</name>
    <message>
        <source>(interrupted — the app closed before this reply finished)</source>
        <translation>（已中断——应用在这条回复完成前关闭了）</translation>
    </message>
    <message>
        <source>Could not load the model: {error}</source>
        <translation>无法加载模型：{error}</translation>
    </message>
    <message>
        <source>Edit last</source>
        <translation>编辑上一条</translation>
    </message>
    <message>
        <source>Editing your last message: Send replaces it and its reply.</source>
        <translation>正在编辑你的上一条消息：发送后将替换它及其回复。</translation>
    </message>
    <message>
        <source>Message the model…  (Enter sends, Shift+Enter for a new line)</source>
        <translation>给模型发消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>No chat model is loaded yet: wait for it, or choose one above</source>
        <translation>尚未加载对话模型：请稍候，或在上方选择一个</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>No model loaded — choose one in Models.</source>
        <translation>未加载模型——请在“模型”中选择一个。</translation>
    </message>
    <message>
        <source>No reply is being written</source>
        <translation>当前没有正在生成的回复</translation>
    </message>
    <message>
        <source>No reply was started: {error}</source>
        <translation>未能开始回复：{error}</translation>
    </message>
    <message>
        <source>Nothing to edit yet</source>
        <translation>还没有可编辑的内容</translation>
    </message>
    <message>
        <source>Nothing to regenerate yet</source>
        <translation>还没有可重新生成的回复</translation>
    </message>
    <message>
        <source>Put your last message back in the box to change and resend it</source>
        <translation>把你的上一条消息放回输入框，修改后重新发送</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>发送（Enter）</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the reply, keeping what was written</source>
        <translation>停止回复，保留已生成的内容</translation>
    </message>
    <message>
        <source>Wait for the reply, or press Stop</source>
        <translation>请等待回复完成，或点击“停止”</translation>
    </message>
    <message>
        <source>Write the last reply again</source>
        <translation>重新生成上一条回复</translation>
    </message>
    <message>
        <source>Your message was not sent, it is still in the box: {error}</source>
        <translation>你的消息未发送，仍在输入框中：{error}</translation>
    </message>
    <message>
        <source>{name} has no chat template of its own: using the {family} format, inferred from its architecture.</source>
        <translation>{name} 没有自带对话模板：根据其架构推断，使用 {family} 格式。</translation>
    </message>
</context>
<context>
    <name>ComputeSettings</name>
    <message>
        <source>0 (no GPU backend in this build)</source>
        <translation>0（此版本没有 GPU 后端）</translation>
    </message>
    <message>
        <source>At this context: {verdict} — {explanation}</source>
        <translation>在此上下文长度下：{verdict}——{explanation}</translation>
    </message>
    <message>
        <source>Audio context</source>
        <translation>音频上下文</translation>
    </message>
    <message>
        <source>Batch / micro-batch</source>
        <translation>批大小 / 微批大小</translation>
    </message>
    <message>
        <source>CPU threads this model runs on; the default is what the engine picks for this machine</source>
        <translation>运行该模型的 CPU 线程数；默认值由引擎按本机情况选择</translation>
    </message>
    <message>
        <source>Compute settings for this model (remembered; applied on (re)load)</source>
        <translation>该模型的计算设置（会被记住；在（重新）加载时生效）</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <source>Flash attention computes attention without the full score matrix: less memory, often faster.</source>
        <translation>Flash Attention 计算注意力时无需完整的分数矩阵：占用内存更少，通常也更快。</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <source>GPU layers (-ngl)</source>
        <translation>GPU 层数（-ngl）</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <source>Layers run on the GPU; the rest on the CPU</source>
        <translation>在 GPU 上运行的层数；其余在 CPU 上运行</translation>
    </message>
    <message>
        <source>Not saved: {problem}.</source>
        <translation>未保存：{problem}。</translation>
    </message>
    <message>
        <source>Prompt tokens computed at once (-ub): larger can read a long prompt faster and needs a larger compute buffer. Stop is honoured between these steps.</source>
        <translation>一次计算的提示词的词元数（-ub）：越大读取长提示词越快，但需要更大的计算缓冲区。“停止”在这些步骤之间生效。</translation>
    </message>
    <message>
        <source>Reload with these settings</source>
        <translation>用这些设置重新加载</translation>
    </message>
    <message>
        <source>Select a model in the list to change its settings</source>
        <translation>在列表中选择一个模型以更改其设置</translation>
    </message>
    <message>
        <source>The most prompt tokens llama.cpp takes in one call (-b).</source>
        <translation>llama.cpp 单次调用最多接收的提示词的词元数（-b）。</translation>
    </message>
    <message>
        <source>This llama.cpp build has no GPU backend: every layer runs on the CPU</source>
        <translation>此 llama.cpp 版本没有 GPU 后端：所有层都在 CPU 上运行</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>V</source>
        <translation>V</translation>
    </message>
    <message>
        <source>Whisper&apos;s encoder window in frames (1500 = 30 s). Applied to file transcription and live dictation: smaller is faster on short chunks, at some cost in accuracy.</source>
        <translation>Whisper 编码器窗口的帧数（1500 = 30 秒）。用于文件转写和实时听写：越小处理短音频越快，但准确度会有所下降。</translation>
    </message>
    <message>
        <source>auto (on where the device supports it)</source>
        <translation>自动（设备支持时开启）</translation>
    </message>
    <message>
        <source>automatic (30 s for files, 15 s live)</source>
        <translation>自动（文件 30 秒，实时 15 秒）</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开启</translation>
    </message>
    <message>
        <source>q8_0 halves the context cache, q4_0 quarters it, at some cost in accuracy. A quantized V cache needs flash attention.</source>
        <translation>q8_0 让上下文缓存减半，q4_0 减为四分之一，但准确度会有所下降。量化的 V 缓存需要开启 Flash Attention。</translation>
    </message>
    <message>
        <source>{layers} of {total}</source>
        <translation>{layers} / {total}</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <source>Delete the selected conversation (select one in the list first)</source>
        <translation>删除所选对话（请先在列表中选择一个）</translation>
    </message>
    <message>
        <source>Delete “{title}” and all its messages?</source>
        <translation>删除“{title}”及其全部消息吗？</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>Rename the selected conversation (select one in the list first)</source>
        <translation>重命名所选对话（请先在列表中选择一个）</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Search conversations…</source>
        <translation>搜索对话…</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
</context>
<context>
    <name>ConversationSettings</name>
    <message>
        <source>-1 = random each time</source>
        <translation>-1 = 每次随机</translation>
    </message>
    <message>
        <source>0 = always the most likely token</source>
        <translation>0 = 总是选择可能性最大的词元</translation>
    </message>
    <message>
        <source>0 = off</source>
        <translation>0 = 关闭</translation>
    </message>
    <message>
        <source>Conversation settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大词元数</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>System prompt (optional)</source>
        <translation>系统提示词（可选）</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
</context>
<context>
    <name>Counts</name>
    <message numerus="yes">
        <source>%n thread(s)</source>
        <translation>
            <numerusform>%n 个线程</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DictationPanel</name>
    <message>
        <source>Add a server in Models → Servers to transcribe files there</source>
        <translation>在“模型 → 服务器”中添加服务器后，即可在服务器上转写文件</translation>
    </message>
    <message>
        <source>An English-only model cannot translate</source>
        <translation>仅支持英语的模型无法翻译</translation>
    </message>
    <message>
        <source>An audio or video file (or drop one here)</source>
        <translation>音频或视频文件（也可拖放到这里）</translation>
    </message>
    <message>
        <source>Audio and video (*.wav *.mp3 *.ogg *.opus *.flac *.m4a *.aac *.mp4 *.mkv *.webm *.mov);;All files (*)</source>
        <translation>音频和视频 (*.wav *.mp3 *.ogg *.opus *.flac *.m4a *.aac *.mp4 *.mkv *.webm *.mov);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Automatic, by language</source>
        <translation>自动，按语言选择</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancelled; nothing was written.</source>
        <translation>已取消，没有写入任何文件。</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>Choose an audio or video file first</source>
        <translation>请先选择一个音频或视频文件</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Clear the text</source>
        <translation>清除文字</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the text</source>
        <translation>复制文字</translation>
    </message>
    <message>
        <source>Could not export to {path}: {error}</source>
        <translation>无法导出到 {path}：{error}</translation>
    </message>
    <message>
        <source>Could not load this model; choose another</source>
        <translation>无法加载此模型；请选择其他模型</translation>
    </message>
    <message>
        <source>Detect language</source>
        <translation>自动检测语言</translation>
    </message>
    <message>
        <source>Dictation: Start or stop recording</source>
        <translation>听写：开始或停止录音</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>荷兰语</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>English only</source>
        <translation>仅英语</translation>
    </message>
    <message>
        <source>Export dictation</source>
        <translation>导出听写内容</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>File to transcribe</source>
        <translation>要转写的文件</translation>
    </message>
    <message>
        <source>Finishing…</source>
        <translation>正在收尾…</translation>
    </message>
    <message>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <source>Listening…</source>
        <translation>正在聆听…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <source>Microphone:</source>
        <translation>麦克风：</translation>
    </message>
    <message>
        <source>No file is being transcribed</source>
        <translation>当前没有正在转写的文件</translation>
    </message>
    <message>
        <source>No microphone found: connect one and press Refresh. Files can still be transcribed.</source>
        <translation>未找到麦克风：请连接一个后点击“刷新”。文件转写仍可使用。</translation>
    </message>
    <message>
        <source>Nothing transcribed yet: press Record and speak</source>
        <translation>还没有转写内容：请点击“录音”并说话</translation>
    </message>
    <message>
        <source>Nothing was transcribed: choose another name with Save as….</source>
        <translation>没有进行转写：请用“另存为…”换一个文件名。</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>在本机</translation>
    </message>
    <message>
        <source>On {server} (remote)</source>
        <translation>在 {server}（远程）</translation>
    </message>
    <message>
        <source>Output path</source>
        <translation>输出路径</translation>
    </message>
    <message>
        <source>Output path without extension</source>
        <translation>输出路径（不含扩展名）</translation>
    </message>
    <message>
        <source>Pick at least one of SRT, VTT or TXT.</source>
        <translation>请至少选择 SRT、VTT 或 TXT 中的一种。</translation>
    </message>
    <message>
        <source>Polish</source>
        <translation>波兰语</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <source>Press Record and speak. Unconfirmed words are grey; they turn black once final.</source>
        <translation>点击“录音”并开始说话。未确认的文字显示为灰色，确认后变为黑色。</translation>
    </message>
    <message>
        <source>Put the text in the chat&apos;s message box</source>
        <translation>把文字放入聊天的消息输入框</translation>
    </message>
    <message>
        <source>RTF {rtf}</source>
        <translation>实时因子 {rtf}</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Replace existing files?</source>
        <translation>替换已有文件？</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <source>Save as TXT, SRT or VTT (with timestamps)</source>
        <translation>保存为 TXT、SRT 或 VTT（带时间戳）</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Send to chat</source>
        <translation>发送到聊天</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <source>Speech model:</source>
        <translation>语音模型：</translation>
    </message>
    <message>
        <source>Spoken language</source>
        <translation>所说的语言</translation>
    </message>
    <message>
        <source>Start or stop dictation (Ctrl+R)</source>
        <translation>开始或停止听写（Ctrl+R）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop recording first</source>
        <translation>请先停止录音</translation>
    </message>
    <message>
        <source>Stop recording or transcribing first, then switch the model</source>
        <translation>请先停止录音或转写，再切换模型</translation>
    </message>
    <message>
        <source>Stop transcribing; nothing is written</source>
        <translation>停止转写；不会写入任何文件</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Text (*.txt);;SubRip subtitles (*.srt);;WebVTT subtitles (*.vtt)</source>
        <translation>文本 (*.txt);;SubRip 字幕 (*.srt);;WebVTT 字幕 (*.vtt)</translation>
    </message>
    <message>
        <source>The language spoken; Detect language lets the model work it out</source>
        <translation>所说的语言；选择“自动检测语言”则由模型自行判断</translation>
    </message>
    <message>
        <source>The model that turns speech into text; click to switch</source>
        <translation>把语音转成文字的模型；点击可切换</translation>
    </message>
    <message>
        <source>These files already exist:
{names}

Replace them with the new transcript?</source>
        <translation>以下文件已存在：
{names}

要用新的转写结果替换它们吗？</translation>
    </message>
    <message>
        <source>This model understands English only: choose a multilingual speech model for other languages</source>
        <translation>该模型只懂英语：其他语言请选择多语言语音模型</translation>
    </message>
    <message>
        <source>Transcribe</source>
        <translation>转写</translation>
    </message>
    <message>
        <source>Transcribe a file</source>
        <translation>转写文件</translation>
    </message>
    <message>
        <source>Transcribe on</source>
        <translation>转写位置</translation>
    </message>
    <message>
        <source>Transcribe the file</source>
        <translation>转写该文件</translation>
    </message>
    <message>
        <source>Transcribing {name} on {server}…</source>
        <translation>正在 {server} 上转写 {name}…</translation>
    </message>
    <message>
        <source>Transcribing {name}…</source>
        <translation>正在转写 {name}…</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>转写文本</translation>
    </message>
    <message>
        <source>Translate to English</source>
        <translation>翻译成英语</translation>
    </message>
    <message>
        <source>Wait for the file transcription to finish, or cancel it</source>
        <translation>请等待文件转写完成，或取消它</translation>
    </message>
    <message>
        <source>Wait for the recording or the file in progress to finish</source>
        <translation>请等待正在进行的录音或文件转写完成</translation>
    </message>
    <message>
        <source>Where the file is transcribed; a server sees the whole file</source>
        <translation>在哪里转写文件；服务器会收到整个文件</translation>
    </message>
    <message numerus="yes">
        <source>Whisper {size} · %n thread(s) · window {window} s for files, {live} s live</source>
        <translation>
            <numerusform>Whisper {size} · %n 个线程 · 文件窗口 {window} 秒，实时 {live} 秒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Whisper {size} · up to %n thread(s) · window {window} s for files, {live} s live</source>
        <translation>
            <numerusform>Whisper {size} · 最多 %n 个线程 · 文件窗口 {window} 秒，实时 {live} 秒</numerusform>
        </translation>
    </message>
    <message>
        <source>Write English whatever language is spoken</source>
        <translation>无论说什么语言都输出英语</translation>
    </message>
    <message>
        <source>Write to:</source>
        <translation>写入到：</translation>
    </message>
    <message>
        <source>Write transcripts as</source>
        <translation>转写结果保存为</translation>
    </message>
    <message numerus="yes">
        <source>Wrote {files} · %n segment(s) · {seconds} s of audio at {rtf}× real time</source>
        <translation>
            <numerusform>已写入 {files} · %n 个片段 · {seconds} 秒音频，速度为实时的 {rtf}×</numerusform>
        </translation>
    </message>
    <message>
        <source>cannot be read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>last commit {seconds} s after the words</source>
        <translation>最近一次确认比说话晚 {seconds} 秒</translation>
    </message>
    <message>
        <source>multilingual</source>
        <translation>多语言</translation>
    </message>
    <message>
        <source>tiny.en for English, base for other languages</source>
        <translation>英语用 tiny.en，其他语言用 base</translation>
    </message>
    <message>
        <source>{name} ({rate} Hz)</source>
        <translation>{name}（{rate} Hz）</translation>
    </message>
    <message>
        <source>{seconds} s behind, catching up in the pauses</source>
        <translation>落后 {seconds} 秒，会在停顿时追上</translation>
    </message>
    <message>
        <source>⚠ {seconds} s of audio dropped: the computer could not keep up</source>
        <translation>⚠ 丢弃了 {seconds} 秒音频：电脑处理不过来</translation>
    </message>
</context>
<context>
    <name>DictationTray</name>
    <message>
        <source>Hearth: listening… (release or press {shortcut} again to stop)</source>
        <translation>Hearth：正在聆听…（松开或再按一次 {shortcut} 停止）</translation>
    </message>
    <message>
        <source>Hearth: ready to dictate ({shortcut})</source>
        <translation>Hearth：可以听写（{shortcut}）</translation>
    </message>
    <message>
        <source>Hearth: transcribing the last words…</source>
        <translation>Hearth：正在转写最后几句话…</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <source>No microphone found</source>
        <translation>未找到麦克风</translation>
    </message>
    <message>
        <source>Quit Hearth</source>
        <translation>退出 Hearth</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Show Hearth</source>
        <translation>显示 Hearth</translation>
    </message>
    <message>
        <source>Start dictation</source>
        <translation>开始听写</translation>
    </message>
    <message>
        <source>Stop dictation</source>
        <translation>停止听写</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>the shortcut</source>
        <translation>快捷键</translation>
    </message>
</context>
<context>
    <name>DownloadList</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>No downloads. Pick a model in the catalog or paste a link.</source>
        <translation>没有下载任务。请在模型目录中选择模型，或粘贴一个链接。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
    <message>
        <source>installed (SHA-256 verified)</source>
        <translation>已安装（SHA-256 已校验）</translation>
    </message>
    <message>
        <source>installed (no checksum published: size checked)</source>
        <translation>已安装（服务器未提供校验和：已核对大小）</translation>
    </message>
    <message>
        <source>paused at {done} of {total}</source>
        <translation>已暂停，已下载 {done} / {total}</translation>
    </message>
    <message>
        <source>paused at {done} of {total} (from an earlier session)</source>
        <translation>已暂停，已下载 {done} / {total}（上次会话留下的）</translation>
    </message>
    <message>
        <source>pausing…</source>
        <translation>正在暂停…</translation>
    </message>
</context>
<context>
    <name>DownloadRow</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>checking SHA-256…</source>
        <translation>正在校验 SHA-256…</translation>
    </message>
    <message>
        <source>waiting…</source>
        <translation>等待中…</translation>
    </message>
    <message>
        <source>{done} of {total} at {speed} MB/s</source>
        <translation>{done} / {total}，{speed} MB/s</translation>
    </message>
    <message>
        <source>{done} of {total} at {speed} MB/s, {seconds} s left</source>
        <translation>{done} / {total}，{speed} MB/s，还剩 {seconds} 秒</translation>
    </message>
</context>
<context>
    <name>GlobalShortcut</name>
    <message>
        <source>Hearth has no global shortcut of its own on macOS yet: {help} (Shortcuts app).</source>
        <translation>Hearth 在 macOS 上暂时没有自己的全局快捷键：{help}（“快捷指令”应用）。</translation>
    </message>
    <message>
        <source>No X11 session here, so no global shortcut: {help}.</source>
        <translation>当前不是 X11 会话，因此无法使用全局快捷键：{help}。</translation>
    </message>
    <message>
        <source>Wayland does not let applications take a global shortcut: {help}.</source>
        <translation>Wayland 不允许应用注册全局快捷键：{help}。</translation>
    </message>
    <message>
        <source>bind `hearth dictate --toggle` (or --begin on press and --end on release) in your desktop&apos;s keyboard shortcut settings; see the README, “Dictate into any application”</source>
        <translation>请在桌面环境的键盘快捷键设置中绑定 `hearth dictate --toggle`（或按下时 --begin、松开时 --end）；详见 README 的“Dictate into any application”一节</translation>
    </message>
</context>
<context>
    <name>LanguageChooser</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <source>Input level</source>
        <translation>输入电平</translation>
    </message>
    <message>
        <source>silence</source>
        <translation>静音</translation>
    </message>
</context>
<context>
    <name>LlmWorker</name>
    <message>
        <source>unexpected error while generating: {error}</source>
        <translation>生成时发生意外错误：{error}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Benchmark</source>
        <translation>基准测试(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Dictation</source>
        <translation>听写(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Edit your last message</source>
        <translation>编辑你的上一条消息(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Export conversation…</source>
        <translation>导出对话(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Regenerate the last reply</source>
        <translation>重新生成上一条回复(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Search conversations</source>
        <translation>搜索对话(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>服务器(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Benchmark</source>
        <translation>基准测试</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Conversation se&amp;ttings</source>
        <translation>对话设置(&amp;T)</translation>
    </message>
    <message>
        <source>Could not export to {path}: {error}</source>
        <translation>无法导出到 {path}：{error}</translation>
    </message>
    <message>
        <source>Dictation</source>
        <translation>听写</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Exported the conversation to {path}</source>
        <translation>已将对话导出到 {path}</translation>
    </message>
    <message>
        <source>Go to the &amp;message box</source>
        <translation>转到消息输入框(&amp;M)</translation>
    </message>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON with timings (*.json)</source>
        <translation>Markdown (*.md);;带计时数据的 JSON (*.json)</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>No chat model loaded</source>
        <translation>未加载对话模型</translation>
    </message>
    <message>
        <source>Open a conversation to export it.</source>
        <translation>请先打开一个对话再导出。</translation>
    </message>
    <message>
        <source>S&amp;top the reply</source>
        <translation>停止回复(&amp;T)</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>分区</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>The conversation database was damaged: a copy was kept at {path} and a fresh one opened.</source>
        <translation>对话数据库已损坏：副本保存在 {path}，并已新建一个数据库。</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Eval</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>已生成</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Prompt eval</source>
        <translation>提示词处理</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Reply: {text}</source>
        <translation>回复：{text}</translation>
    </message>
    <message>
        <source>Show this reply&apos;s timing details</source>
        <translation>显示这条回复的计时详情</translation>
    </message>
    <message>
        <source>Stopped because</source>
        <translation>停止原因</translation>
    </message>
    <message>
        <source>TTFT {ms:.0f} ms</source>
        <translation>首词元 {ms:.0f} ms</translation>
    </message>
    <message>
        <source>Time to first token</source>
        <translation>首词元延迟</translation>
    </message>
    <message>
        <source>Timing details</source>
        <translation>计时详情</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>总计</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <source>context full</source>
        <translation>上下文已满</translation>
    </message>
    <message>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>max tokens reached</source>
        <translation>达到最大词元数</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>{ms:.0f} ms</source>
        <translation>{ms:.0f} ms</translation>
    </message>
    <message>
        <source>{ms:.0f} ms · {rate:.1f} t/s</source>
        <translation>{ms:.0f} ms · {rate:.1f} t/s</translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation>{n} 个词元</translation>
    </message>
    <message>
        <source>{n} tokens ({cached} cached)</source>
        <translation>{n} 个词元（{cached} 个来自缓存）</translation>
    </message>
    <message>
        <source>{rate:.1f} t/s</source>
        <translation>{rate:.1f} t/s</translation>
    </message>
    <message>
        <source>… {hidden} more characters not shown (the whole message is saved).</source>
        <translation>……还有 {hidden} 个字符未显示（完整消息已保存）。</translation>
    </message>
</context>
<context>
    <name>ModelManager</name>
    <message>
        <source> · GPU memory {free} free</source>
        <translation> · GPU 显存可用 {free}</translation>
    </message>
    <message>
        <source>, {bits} bits per weight</source>
        <translation>，每个权重 {bits} 位</translation>
    </message>
    <message>
        <source>30 s window</source>
        <translation>30 秒窗口</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>所有类型</translation>
    </message>
    <message>
        <source>Already installed: find it in the Installed list</source>
        <translation>已安装：可在“已安装”列表中找到</translation>
    </message>
    <message>
        <source>Any language</source>
        <translation>任意语言</translation>
    </message>
    <message>
        <source>Approximate download size</source>
        <translation>大致下载大小</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Architecture: {architecture}</source>
        <translation>架构：{architecture}</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Chat model or speech recogniser</source>
        <translation>对话模型或语音识别模型</translation>
    </message>
    <message>
        <source>Chat template: embedded in the file</source>
        <translation>对话模板：文件自带</translation>
    </message>
    <message>
        <source>Chat template: none; Hearth picks one by architecture</source>
        <translation>对话模板：无；Hearth 按架构选择</translation>
    </message>
    <message>
        <source>Chat: whether the file has its own chat template. Speech: the languages it understands</source>
        <translation>对话模型：文件是否自带对话模板。语音模型：能识别的语言</translation>
    </message>
    <message>
        <source>Compute: {backend} ({offload}) · RAM {free} free of {total}</source>
        <translation>计算：{backend}（{offload}）· 内存可用 {free}，共 {total}</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Context length for the fit estimate</source>
        <translation>用于估算内存的上下文长度</translation>
    </message>
    <message numerus="yes">
        <source>Context length: %n token(s)</source>
        <translation>
            <numerusform>上下文长度：%n 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>Context length: unknown</source>
        <translation>上下文长度：未知</translation>
    </message>
    <message>
        <source>Context window the model was trained for (speech: the audio window)</source>
        <translation>模型训练时的上下文窗口（语音模型：音频窗口）</translation>
    </message>
    <message>
        <source>Copy into Hearth&apos;s folder</source>
        <translation>复制到 Hearth 的文件夹</translation>
    </message>
    <message>
        <source>Could not import {name}: {error}</source>
        <translation>无法导入 {name}：{error}</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>Delete the file (not while in use)</source>
        <translation>删除该文件（使用中时不可删除）</translation>
    </message>
    <message>
        <source>Delete {name} ({size})?
This cannot be undone.</source>
        <translation>删除 {name}（{size}）吗？
此操作无法撤销。</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download link</source>
        <translation>下载链接</translation>
    </message>
    <message>
        <source>Download {0} (~{1}); nothing is downloaded until you click</source>
        <translation>下载 {0}（约 {1}）；点击之前不会下载任何内容</translation>
    </message>
    <message>
        <source>Downloaded and verified {name}.</source>
        <translation>已下载并校验 {name}。</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>English only</source>
        <translation>仅英语</translation>
    </message>
    <message>
        <source>File size: {size}</source>
        <translation>文件大小：{size}</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Fits my machine</source>
        <translation>本机可运行</translation>
    </message>
    <message>
        <source>GPU offload available</source>
        <translation>可卸载到 GPU</translation>
    </message>
    <message>
        <source>Get models</source>
        <translation>获取模型</translation>
    </message>
    <message>
        <source>How to import</source>
        <translation>导入方式</translation>
    </message>
    <message>
        <source>Import a faster-whisper model folder</source>
        <translation>导入 faster-whisper 模型文件夹</translation>
    </message>
    <message>
        <source>Import faster-whisper folder…</source>
        <translation>导入 faster-whisper 文件夹…</translation>
    </message>
    <message>
        <source>Import file…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>Import models</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <source>Imported {title} ({name}).</source>
        <translation>已导入 {title}（{name}）。</translation>
    </message>
    <message>
        <source>Importing {name}…</source>
        <translation>正在导入 {name}…</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>Installed models</source>
        <translation>已安装的模型</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Kind of model</source>
        <translation>模型类型</translation>
    </message>
    <message>
        <source>Kind: {kind}</source>
        <translation>类型：{kind}</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Languages it understands</source>
        <translation>能识别的语言</translation>
    </message>
    <message>
        <source>Languages: {languages}</source>
        <translation>语言：{languages}</translation>
    </message>
    <message>
        <source>Link (leave the file where it is)</source>
        <translation>链接（文件留在原处）</translation>
    </message>
    <message>
        <source>Load the selected model in the chat</source>
        <translation>在聊天中加载所选模型</translation>
    </message>
    <message>
        <source>Loading {title} for chat…</source>
        <translation>正在为聊天加载 {title}…</translation>
    </message>
    <message>
        <source>Location: {path}</source>
        <translation>位置：{path}</translation>
    </message>
    <message>
        <source>Memory it needs at the chosen context; hover for the breakdown</source>
        <translation>在所选上下文长度下需要的内存；悬停查看明细</translation>
    </message>
    <message>
        <source>Model architecture, from the file&apos;s header</source>
        <translation>模型架构，取自文件头</translation>
    </message>
    <message>
        <source>Model sections</source>
        <translation>模型分区</translation>
    </message>
    <message>
        <source>Models (*.gguf *.bin);;All files (*)</source>
        <translation>模型 (*.gguf *.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Models to download</source>
        <translation>可下载的模型</translation>
    </message>
    <message>
        <source>Multilingual</source>
        <translation>多语言</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Needs</source>
        <translation>所需内存</translation>
    </message>
    <message>
        <source>Number of parameters (weights)</source>
        <translation>参数（权重）数量</translation>
    </message>
    <message>
        <source>Open the folder that holds the file</source>
        <translation>打开该文件所在的文件夹</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Origin: {origin}</source>
        <translation>来源：{origin}</translation>
    </message>
    <message>
        <source>Origin: {origin} from {source}</source>
        <translation>来源：{origin}，来自 {source}</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Parameters: {parameters}</source>
        <translation>参数量：{parameters}</translation>
    </message>
    <message>
        <source>Paste a link that starts with https://</source>
        <translation>请粘贴以 https:// 开头的链接</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Quantization, and bits per weight</source>
        <translation>量化方式及每个权重的位数</translation>
    </message>
    <message>
        <source>Quantization: {quantization}</source>
        <translation>量化：{quantization}</translation>
    </message>
    <message>
        <source>Remove {name} from the list? The file itself stays at {path}.</source>
        <translation>从列表中移除 {name} 吗？文件本身仍保留在 {path}。</translation>
    </message>
    <message>
        <source>Select a chat model in the list first</source>
        <translation>请先在列表中选择一个对话模型</translation>
    </message>
    <message>
        <source>Select a model in the list first</source>
        <translation>请先在列表中选择一个模型</translation>
    </message>
    <message>
        <source>Select a model to see its details.</source>
        <translation>选择一个模型以查看详情。</translation>
    </message>
    <message>
        <source>Select a speech model in the list first</source>
        <translation>请先在列表中选择一个语音模型</translation>
    </message>
    <message>
        <source>Servers</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>占用磁盘空间</translation>
    </message>
    <message>
        <source>Sizes are approximate until the server confirms them. Whisper memory and speed (relative to large) are for the unquantized model.</source>
        <translation>在服务器确认之前，大小均为估计值。Whisper 的内存和速度（相对于 large）按未量化模型计算。</translation>
    </message>
    <message>
        <source>Speech</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Template / languages</source>
        <translation>模板 / 语言</translation>
    </message>
    <message>
        <source>The model&apos;s name; hover a row for its file</source>
        <translation>模型名称；悬停在行上可查看其文件</translation>
    </message>
    <message>
        <source>The model&apos;s name; hover for its download link</source>
        <translation>模型名称；悬停可查看下载链接</translation>
    </message>
    <message>
        <source>Use for chat</source>
        <translation>用于聊天</translation>
    </message>
    <message>
        <source>Use for dictation</source>
        <translation>用于听写</translation>
    </message>
    <message>
        <source>Use the selected model for dictation and transcription</source>
        <translation>将所选模型用于听写和转写</translation>
    </message>
    <message>
        <source>Where it came from: bundled, downloaded, imported or linked</source>
        <translation>来源：内置、下载、导入或链接</translation>
    </message>
    <message>
        <source>Whether it fits this machine&apos;s memory at its context length; hover for the numbers</source>
        <translation>在其上下文长度下本机内存是否够用；悬停查看数字</translation>
    </message>
    <message>
        <source>Whether it fits this machine&apos;s memory; hover for the numbers</source>
        <translation>本机内存是否够用；悬停查看数字</translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>bundled with Hearth</source>
        <translation>随 Hearth 附带</translation>
    </message>
    <message>
        <source>chat LLM</source>
        <translation>对话大模型</translation>
    </message>
    <message>
        <source>chat template</source>
        <translation>有对话模板</translation>
    </message>
    <message>
        <source>context </source>
        <translation>上下文 </translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>found</source>
        <translation>已发现</translation>
    </message>
    <message>
        <source>found in the models folder</source>
        <translation>在模型文件夹中发现</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>imported (copied)</source>
        <translation>已导入（复制）</translation>
    </message>
    <message>
        <source>linked</source>
        <translation>已链接</translation>
    </message>
    <message>
        <source>linked where it lies</source>
        <translation>链接到原位置</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>文件缺失</translation>
    </message>
    <message>
        <source>multilingual</source>
        <translation>多语言</translation>
    </message>
    <message>
        <source>no GPU offload in this llama.cpp build</source>
        <translation>此 llama.cpp 版本不支持 GPU 卸载</translation>
    </message>
    <message>
        <source>no template (format inferred)</source>
        <translation>无模板（格式为推断）</translation>
    </message>
    <message>
        <source>speech (Whisper)</source>
        <translation>语音（Whisper）</translation>
    </message>
    <message>
        <source>unusable: {problem}</source>
        <translation>无法使用：{problem}</translation>
    </message>
    <message>
        <source>{name} is in use; choose another model before deleting it.</source>
        <translation>{name} 正在使用中；请先选择其他模型再删除。</translation>
    </message>
    <message>
        <source>{path}

This file cannot be used: {problem}</source>
        <translation>{path}

该文件无法使用：{problem}</translation>
    </message>
    <message>
        <source>{size} (PyTorch: ~{gb} GB, {speed}x speed)</source>
        <translation>{size}（PyTorch：约 {gb} GB，速度 {speed}x）</translation>
    </message>
    <message>
        <source>{title} will be used for dictation.</source>
        <translation>将使用 {title} 进行听写。</translation>
    </message>
    <message>
        <source>…or drop model files here</source>
        <translation>……或把模型文件拖放到这里</translation>
    </message>
    <message>
        <source>…or paste an https link to a .gguf or ggml .bin file</source>
        <translation>……或粘贴 .gguf 或 ggml .bin 文件的 https 链接</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Get more models…</source>
        <translation>获取更多模型…</translation>
    </message>
    <message>
        <source>In use: {0}
Click to switch to another model.</source>
        <translation>正在使用：{0}
点击可切换到其他模型。</translation>
    </message>
    <message>
        <source>Model loading progress</source>
        <translation>模型加载进度</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>No other models installed</source>
        <translation>没有安装其他模型</translation>
    </message>
    <message>
        <source>Unavailable: {0}</source>
        <translation>不可用：{0}</translation>
    </message>
</context>
<context>
    <name>PaneResponder</name>
    <message>
        <source>the conversation changed while you spoke; say it again</source>
        <translation>你说话时对话发生了变化；请再说一遍</translation>
    </message>
    <message>
        <source>the message was dropped</source>
        <translation>消息已丢弃</translation>
    </message>
    <message>
        <source>the message was not sent: a reply is still being written</source>
        <translation>消息未发送：仍有回复正在生成</translation>
    </message>
    <message>
        <source>the message was not sent: load a chat model first</source>
        <translation>消息未发送：请先加载对话模型</translation>
    </message>
    <message>
        <source>the message was not sent; say it again</source>
        <translation>消息未发送；请再说一遍</translation>
    </message>
</context>
<context>
    <name>RemoteServerDialog</name>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <source>Add a server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>Chat with a model on another machine through an OpenAI-compatible server: Hearth&apos;s own server, llama.cpp&apos;s llama-server, vLLM, Ollama or LM Studio. Hearth connects only to servers you add here.</source>
        <translation>通过兼容 OpenAI 的服务器与另一台机器上的模型聊天：Hearth 自己的服务器、llama.cpp 的 llama-server、vLLM、Ollama 或 LM Studio。Hearth 只会连接你在这里添加的服务器。</translation>
    </message>
    <message>
        <source>Check and add</source>
        <translation>检查并添加</translation>
    </message>
    <message>
        <source>Checking {url}…</source>
        <translation>正在检查 {url}…</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>No system keyring was found: a key is kept only until Hearth closes, never written to disk. After a restart, add the server again with its key.</source>
        <translation>未找到系统密钥环：密钥只保留到 Hearth 关闭，不会写入磁盘。重启后，请带上密钥重新添加该服务器。</translation>
    </message>
    <message>
        <source>Not added: use an https:// address, or one on your own network.</source>
        <translation>未添加：请使用 https:// 地址，或你自己网络中的地址。</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Server name</source>
        <translation>服务器名称</translation>
    </message>
    <message>
        <source>The key is kept in the system keyring, never in Hearth&apos;s settings.</source>
        <translation>密钥保存在系统密钥环中，绝不会写入 Hearth 的设置。</translation>
    </message>
    <message>
        <source>Unencrypted connection</source>
        <translation>未加密的连接</translation>
    </message>
    <message>
        <source>for example: Desktop</source>
        <translation>例如：台式机</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>{url} is plain http:// to an address outside this computer&apos;s network. What you type, the replies and the API key would cross the network unencrypted. Use it anyway?</source>
        <translation>{url} 是指向本机网络之外地址的普通 http://。你输入的内容、回复和 API 密钥都会以未加密方式在网络上传输。仍要使用吗？</translation>
    </message>
</context>
<context>
    <name>RemoteServersPage</name>
    <message>
        <source>Add a server…</source>
        <translation>添加服务器…</translation>
    </message>
    <message>
        <source>Added {name}, but it offers no model right now.</source>
        <translation>已添加 {name}，但它目前没有提供任何模型。</translation>
    </message>
    <message numerus="yes">
        <source>Added {name}: %n model(s).</source>
        <translation>
            <numerusform>已添加 {name}：%n 个模型。</numerusform>
        </translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Checking {url}…</source>
        <translation>正在检查 {url}…</translation>
    </message>
    <message>
        <source>Did not answer</source>
        <translation>没有响应</translation>
    </message>
    <message>
        <source>Did not answer: {0}</source>
        <translation>没有响应：{0}</translation>
    </message>
    <message>
        <source>Load a local GGUF for chat first: RPC splits a model file on this computer.</source>
        <translation>请先加载一个本地 GGUF 模型用于聊天：RPC 会拆分本机上的模型文件。</translation>
    </message>
    <message>
        <source>Models on other machines, through an OpenAI-compatible server. Their models appear in the chat&apos;s model menu, marked remote.</source>
        <translation>通过兼容 OpenAI 的服务器使用其他机器上的模型。这些模型会出现在聊天的模型菜单中，并标为“远程”。</translation>
    </message>
    <message>
        <source>Not checked yet (Refresh)</source>
        <translation>尚未检查（点击刷新）</translation>
    </message>
    <message>
        <source>RPC workers (host:port list)</source>
        <translation>RPC 工作节点（host:port 列表）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Reloading the chat model across {n} RPC workers…</source>
        <translation>正在通过 {n} 个 RPC 工作节点重新加载对话模型…</translation>
    </message>
    <message>
        <source>Remote · {name}</source>
        <translation>远程 · {name}</translation>
    </message>
    <message>
        <source>Remove server</source>
        <translation>移除服务器</translation>
    </message>
    <message>
        <source>Server / model</source>
        <translation>服务器 / 模型</translation>
    </message>
    <message>
        <source>Servers and their models</source>
        <translation>服务器及其模型</translation>
    </message>
    <message>
        <source>Split a local model across machines (llama.cpp RPC)</source>
        <translation>将本地模型拆分到多台机器上运行（llama.cpp RPC）</translation>
    </message>
    <message>
        <source>This llama.cpp build has no RPC backend (it was built without -DGGML_RPC=on), so a model cannot be split across machines. The README&apos;s Remote models section says how to build it.</source>
        <translation>此 llama.cpp 版本没有 RPC 后端（构建时未使用 -DGGML_RPC=on），因此无法把模型拆分到多台机器上。构建方法见 README 的“Remote models”一节。</translation>
    </message>
    <message>
        <source>This llama.cpp build has the RPC backend: start rpc-server on each machine and list them here.</source>
        <translation>此 llama.cpp 版本带有 RPC 后端：在每台机器上启动 rpc-server，并在这里列出它们。</translation>
    </message>
    <message>
        <source>To use RPC workers, rebuild llama-cpp-python with RPC: {command} (README: Remote models).</source>
        <translation>要使用 RPC 工作节点，请重新构建带 RPC 的 llama-cpp-python：{command}（见 README：Remote models）。</translation>
    </message>
    <message>
        <source>Use for chat</source>
        <translation>用于聊天</translation>
    </message>
    <message>
        <source>Use these RPC workers</source>
        <translation>使用这些 RPC 工作节点</translation>
    </message>
    <message>
        <source>remote</source>
        <translation>远程</translation>
    </message>
</context>
<context>
    <name>ServerPanel</name>
    <message>
        <source>&lt;the key above&gt;</source>
        <translation>&lt;上面的密钥&gt;</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Allow other devices on my network (needs the key)</source>
        <translation>允许我网络中的其他设备访问（需要密钥）</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Could not start: {error}</source>
        <translation>无法启动：{error}</translation>
    </message>
    <message>
        <source>Listening on {url} (this machine and your network)</source>
        <translation>正在监听 {url}（本机及你的网络）</translation>
    </message>
    <message>
        <source>Listening on {url} (this machine only)</source>
        <translation>正在监听 {url}（仅本机）</translation>
    </message>
    <message>
        <source>New key</source>
        <translation>新密钥</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Off. Nothing listens until you start it.</source>
        <translation>已关闭。启动之前不会监听任何端口。</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求记录</translation>
    </message>
    <message>
        <source>Start server</source>
        <translation>启动服务器</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Stop server</source>
        <translation>停止服务器</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Time taken</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <source>none: any program on this machine may use it</source>
        <translation>无：本机上的任何程序都可以使用</translation>
    </message>
    <message>
        <source>t/s</source>
        <translation>t/s</translation>
    </message>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} ms</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>A new language applies when Hearth starts again.</source>
        <translation>新的语言将在 Hearth 重新启动后生效。</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Chat model:</source>
        <translation>对话模型：</translation>
    </message>
    <message>
        <source>Choose in Models…</source>
        <translation>在“模型”中选择…</translation>
    </message>
    <message>
        <source>Closes Settings and opens the Models tab</source>
        <translation>关闭设置并打开“模型”标签页</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Dictate into other applications…</source>
        <translation>在其他应用中听写…</translation>
    </message>
    <message>
        <source>Dictation</source>
        <translation>听写</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Keyboard shortcuts…</source>
        <translation>键盘快捷键…</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>New conversations start with</source>
        <translation>新对话的初始设置</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Settings sections</source>
        <translation>设置分区</translation>
    </message>
    <message>
        <source>Speech model:</source>
        <translation>语音模型：</translation>
    </message>
    <message>
        <source>The global shortcut, how text is typed, the tray</source>
        <translation>全局快捷键、文字输入方式、托盘</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>the bundled default</source>
        <translation>内置默认模型</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Alt + the menu&apos;s underlined letter, or F10</source>
        <translation>Alt + 菜单中带下划线的字母，或 F10</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Choose a conversation (in the list)</source>
        <translation>选择对话（在列表中）</translation>
    </message>
    <message>
        <source>Close a dialog or menu</source>
        <translation>关闭对话框或菜单</translation>
    </message>
    <message>
        <source>Dictation</source>
        <translation>听写</translation>
    </message>
    <message>
        <source>Every control can be reached with Tab; the focused one has an ember outline.</source>
        <translation>每个控件都可以用 Tab 键到达；获得焦点的控件带有余烬色轮廓。</translation>
    </message>
    <message>
        <source>Everywhere</source>
        <translation>全局</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Left / Right</source>
        <translation>左 / 右方向键</translation>
    </message>
    <message>
        <source>Move to the next or previous control</source>
        <translation>移到下一个或上一个控件</translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation>在消息中换行</translation>
    </message>
    <message>
        <source>Next or previous tab when the tab bar has focus</source>
        <translation>标签栏有焦点时切换到下一个或上一个标签页</translation>
    </message>
    <message>
        <source>Open a drop-down (device, language)</source>
        <translation>打开下拉列表（设备、语言）</translation>
    </message>
    <message>
        <source>Open a menu</source>
        <translation>打开菜单</translation>
    </message>
    <message>
        <source>Press the focused button, tick the focused box</source>
        <translation>按下获得焦点的按钮，勾选获得焦点的复选框</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>空格键</translation>
    </message>
    <message>
        <source>Up / Down</source>
        <translation>上 / 下方向键</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
</context>
<context>
    <name>Sparkline</name>
    <message>
        <source>tokens per second over the current reply</source>
        <translation>当前回复的每秒词元数</translation>
    </message>
</context>
<context>
    <name>SpeechWorker</name>
    <message>
        <source>Could not load the speech model: {error}</source>
        <translation>无法加载语音模型：{error}</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>Preparing the bundled speech model…</source>
        <translation>正在准备内置语音模型…</translation>
    </message>
    <message>
        <source>unexpected error while dictating: {error}</source>
        <translation>听写时发生意外错误：{error}</translation>
    </message>
    <message>
        <source>unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <source>{error} The text so far is kept.</source>
        <translation>{error} 已识别的文字会保留。</translation>
    </message>
</context>
<context>
    <name>StatsBar</name>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation>
            <numerusform>%n 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>Context window used / size</source>
        <translation>已用上下文 / 上下文大小</translation>
    </message>
    <message>
        <source>Generation speed over this reply</source>
        <translation>这条回复的生成速度</translation>
    </message>
    <message>
        <source>Generation speed, from the first generated token on</source>
        <translation>生成速度，从第一个生成的词元开始计算</translation>
    </message>
    <message>
        <source>Prompt evaluation speed (tokens of your conversation read per second)</source>
        <translation>提示词处理速度（每秒读取的对话词元数）</translation>
    </message>
    <message>
        <source>TTFT {0} ms</source>
        <translation>首词元 {0} ms</translation>
    </message>
    <message>
        <source>Time to first token: from pressing Send to the first word</source>
        <translation>首词元延迟：从点击“发送”到出现第一个字</translation>
    </message>
    <message>
        <source>Tokens generated in this reply</source>
        <translation>这条回复生成的词元数</translation>
    </message>
    <message>
        <source>ctx {0}/{1}</source>
        <translation>上下文 {0}/{1}</translation>
    </message>
    <message>
        <source>prompt {0} t/s</source>
        <translation>提示词 {0} t/s</translation>
    </message>
    <message>
        <source>{0} t/s</source>
        <translation>{0} t/s</translation>
    </message>
</context>
<context>
    <name>TextDelivery</name>
    <message>
        <source>cannot start {program}: install it, or choose another delivery method in Settings</source>
        <translation>无法启动 {program}：请安装它，或在设置中选择其他输入方式</translation>
    </message>
    <message>
        <source>{program} could not type the text (exit {code}){detail}</source>
        <translation>{program} 无法输入文字（退出码 {code}）{detail}</translation>
    </message>
</context>
<context>
    <name>VoiceMode</name>
    <message>
        <source>Answering…</source>
        <translation>正在回答…</translation>
    </message>
    <message>
        <source>Chat: Drop the message being spoken (voice conversation)</source>
        <translation>聊天：丢弃正在说的消息（语音对话）</translation>
    </message>
    <message>
        <source>Chat: Voice conversation on or off</source>
        <translation>聊天：开启或关闭语音对话</translation>
    </message>
    <message>
        <source>Default speaker</source>
        <translation>默认扬声器</translation>
    </message>
    <message>
        <source>Hold to talk</source>
        <translation>按住说话</translation>
    </message>
    <message>
        <source>Listening…</source>
        <translation>正在聆听…</translation>
    </message>
    <message>
        <source>Loading the voice…</source>
        <translation>正在加载语音…</translation>
    </message>
    <message>
        <source>Message dropped. Listening…</source>
        <translation>消息已丢弃。正在聆听…</translation>
    </message>
    <message>
        <source>Push-to-talk: speak while holding it (or {key}); the message is sent when you let go</source>
        <translation>按住说话：按住此按钮（或 {key}）时说话，松开即发送消息</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>扬声器</translation>
    </message>
    <message>
        <source>Speaking…</source>
        <translation>正在朗读…</translation>
    </message>
    <message>
        <source>Talk to the model and hear it answer (Ctrl+Shift+V)</source>
        <translation>对模型说话并听它回答（Ctrl+Shift+V）</translation>
    </message>
    <message>
        <source>The speaker replies are played on</source>
        <translation>播放回复的扬声器</translation>
    </message>
    <message>
        <source>The voice replies are spoken with</source>
        <translation>朗读回复所用的语音</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Voice mode stopped: {error}</source>
        <translation>语音模式已停止：{error}</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message numerus="yes">
        <source>%n CPU core(s)</source>
        <translation>
            <numerusform>%n 个 CPU 核心</numerusform>
        </translation>
    </message>
    <message>
        <source>Ask, draft and explain code; replies stream with their speed shown.</source>
        <translation>提问、起草、讲解代码；回复逐字显示，并显示生成速度。</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Chat with a language model, dictate, and transcribe recordings — all on this computer. Nothing you type or say leaves it, and Hearth needs no network to work.</source>
        <translation>与语言模型聊天、听写、转写录音——全部在这台电脑上完成。你输入或说出的任何内容都不会离开这台电脑，Hearth 无需联网即可工作。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Dictation</source>
        <translation>听写</translation>
    </message>
    <message>
        <source>Download ({0})</source>
        <translation>下载（{0}）</translation>
    </message>
    <message>
        <source>Download progress</source>
        <translation>下载进度</translation>
    </message>
    <message>
        <source>Downloaded and checked.</source>
        <translation>已下载并校验。</translation>
    </message>
    <message>
        <source>Downloading; the Models tab&apos;s Downloads list can pause it</source>
        <translation>正在下载；可在“模型”标签页的下载列表中暂停</translation>
    </message>
    <message>
        <source>Downloading… {0}%</source>
        <translation>正在下载… {0}%</translation>
    </message>
    <message>
        <source>Explain a hash map in three sentences.</source>
        <translation>用三句话解释哈希表。</translation>
    </message>
    <message>
        <source>Hide this suggestion; the Models tab lists every model</source>
        <translation>隐藏此建议；“模型”标签页列出了所有模型</translation>
    </message>
    <message>
        <source>How do TCP and UDP differ?</source>
        <translation>TCP 和 UDP 有什么不同？</translation>
    </message>
    <message>
        <source>Load it for chat (the current model is unloaded)</source>
        <translation>加载它用于聊天（当前模型会被卸载）</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>No chat model loaded: choose one above, or in the Models tab.</source>
        <translation>未加载对话模型：请在上方或“模型”标签页中选择一个。</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>暂不</translation>
    </message>
    <message>
        <source>Open the Dictation tab</source>
        <translation>打开“听写”标签页</translation>
    </message>
    <message>
        <source>Send this to the model</source>
        <translation>把这句话发送给模型</translation>
    </message>
    <message>
        <source>Speak and watch the words appear; send them here in one click.</source>
        <translation>说话时文字即时出现；一键发送到这里。</translation>
    </message>
    <message>
        <source>Suggest five names for a cosy bookshop.</source>
        <translation>为一家温馨的书店起五个名字。</translation>
    </message>
    <message>
        <source>The download stopped: {0}</source>
        <translation>下载已停止：{0}</translation>
    </message>
    <message>
        <source>This computer can run a stronger model: {0}. It is the largest that fits the free memory (it needs about {1}) and still answers at reading speed on {2}. The download is about {3}; nothing is downloaded unless you click.</source>
        <translation>这台电脑可以运行更强的模型：{0}。它是可用内存能容纳的最大模型（约需 {1}），在 {2}上仍能以阅读速度回答。下载大小约 {3}；除非你点击，否则不会下载任何内容。</translation>
    </message>
    <message>
        <source>Transcription</source>
        <translation>转写</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Try one of these:</source>
        <translation>试试这些：</translation>
    </message>
    <message>
        <source>Turn audio and video files into SRT, VTT or plain-text transcripts.</source>
        <translation>把音频和视频文件转写为 SRT、VTT 或纯文本。</translation>
    </message>
    <message>
        <source>Type below, or pick one of the prompts</source>
        <translation>在下方输入，或选择一个提示</translation>
    </message>
    <message>
        <source>Use it now</source>
        <translation>立即使用</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <source>Welcome to Hearth</source>
        <translation>欢迎使用 Hearth</translation>
    </message>
    <message>
        <source>Write a Python palindrome checker.</source>
        <translation>写一个判断回文的 Python 函数。</translation>
    </message>
    <message>
        <source>You are chatting with {0} ({1}), running {2} of this computer.</source>
        <translation>你正在与 {0}（{1}）聊天，它运行在这台电脑的 {2}。</translation>
    </message>
    <message>
        <source>You are chatting with {0} on {1}: what you send goes to that server.</source>
        <translation>你正在与 {1} 上的 {0} 聊天：你发送的内容会传到该服务器。</translation>
    </message>
    <message>
        <source>on the CPU</source>
        <translation>CPU 上</translation>
    </message>
    <message>
        <source>on the GPU ({0})</source>
        <translation>GPU（{0}）上</translation>
    </message>
    <message>
        <source>{0} of free GPU memory</source>
        <translation>{0} 的可用显存</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Hearth is already running on {folder}, but it does not answer. Close it (or end it) and start Hearth again.</source>
        <translation>Hearth 已在 {folder} 上运行，但没有响应。请关闭（或结束）它，然后重新启动 Hearth。</translation>
    </message>
</context>
<context>
    <name>backend_text</name>
    <message>
        <source> · template inferred ({family})</source>
        <translation> · 模板为推断（{family}）</translation>
    </message>
    <message>
        <source>; {vram} of it goes to GPU memory ({free} free)</source>
        <translation>；其中 {vram} 放在显存中（可用 {free}）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CPU (no GPU backend in this build)</source>
        <translation>CPU（此版本没有 GPU 后端）</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>Preparing the bundled model…</source>
        <translation>正在准备内置模型…</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>an unknown amount</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>fits</source>
        <translation>够用</translation>
    </message>
    <message>
        <source>needs about {needed} (weights {weights} + context cache {cache} + overhead {overhead}); this machine has {free} free of {total}</source>
        <translation>约需 {needed}（权重 {weights} + 上下文缓存 {cache} + 额外开销 {overhead}）；本机可用 {free}，共 {total}</translation>
    </message>
    <message>
        <source>tight</source>
        <translation>紧张</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>won&apos;t fit</source>
        <translation>不够</translation>
    </message>
    <message>
        <source>{backend} ({layers} GPU layers)</source>
        <translation>{backend}（{layers} 个 GPU 层）</translation>
    </message>
    <message>
        <source>{name} · remote, on {server}</source>
        <translation>{name} · 远程，位于 {server}</translation>
    </message>
    <message>
        <source>{name} · {quantization} · {compute} · {threads} · ctx {ctx}</source>
        <translation>{name} · {quantization} · {compute} · {threads} · 上下文 {ctx}</translation>
    </message>
</context>
<context>
    <name>error_text</name>
    <message>
        <source>Audio input is unavailable: {detail}</source>
        <translation>音频输入不可用：{detail}</translation>
    </message>
    <message>
        <source>Cannot list the audio devices: {detail}</source>
        <translation>无法列出音频设备：{detail}</translation>
    </message>
    <message>
        <source>Cannot open the conversation database {path}: {detail}. Nothing in it was changed. Check that its folder is writable and its disk is not full.</source>
        <translation>无法打开对话数据库 {path}：{detail}。其中的内容没有任何改动。请检查其所在文件夹是否可写、磁盘是否已满。</translation>
    </message>
    <message>
        <source>Cannot open the input device: {detail}</source>
        <translation>无法打开输入设备：{detail}</translation>
    </message>
    <message>
        <source>Cannot reach {host}: {reason}</source>
        <translation>无法连接 {host}：{reason}</translation>
    </message>
    <message>
        <source>Cannot read {path}: {detail}</source>
        <translation>无法读取 {path}：{detail}</translation>
    </message>
    <message>
        <source>Cannot type into other applications on Wayland: install wtype (wlroots desktops such as Sway and Hyprland) or ydotool (GNOME, KDE; its ydotoold service must run).</source>
        <translation>在 Wayland 上无法向其他应用输入文字：请安装 wtype（适用于 Sway、Hyprland 等 wlroots 桌面）或 ydotool（适用于 GNOME、KDE；需运行其 ydotoold 服务）。</translation>
    </message>
    <message>
        <source>Cannot type into other applications: install xdotool (Debian/Ubuntu: apt install xdotool).</source>
        <translation>无法向其他应用输入文字：请安装 xdotool（Debian/Ubuntu：apt install xdotool）。</translation>
    </message>
    <message>
        <source>Cannot type into other applications: no graphical session (DISPLAY or WAYLAND_DISPLAY) was found.</source>
        <translation>无法向其他应用输入文字：未找到图形会话（DISPLAY 或 WAYLAND_DISPLAY）。</translation>
    </message>
    <message>
        <source>Cannot type into other applications: osascript was not found.</source>
        <translation>无法向其他应用输入文字：未找到 osascript。</translation>
    </message>
    <message>
        <source>Could not save to {name}: {detail}. Free some disk space or make {folder} writable; what was saved before is safe.</source>
        <translation>无法保存到 {name}：{detail}。请释放一些磁盘空间，或让 {folder} 可写；之前保存的内容是安全的。</translation>
    </message>
    <message>
        <source>No microphone found: connect one or pick an input device.</source>
        <translation>未找到麦克风：请连接一个麦克风或选择其他输入设备。</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <source>Not enough disk space for {name}: it needs {need} more (plus {spare} to spare), but {folder} has only {free} free.</source>
        <translation>磁盘空间不足，无法保存 {name}：还需要 {need}（另需预留 {spare}），但 {folder} 只剩 {free}。</translation>
    </message>
    <message>
        <source>Only http and https links can be downloaded, not {url}.</source>
        <translation>只能下载 http 和 https 链接，不能下载 {url}。</translation>
    </message>
    <message>
        <source>The connection broke at {done} of {total}; resume to continue from there.</source>
        <translation>连接在 {done} / {total} 处中断；继续下载即可从断点接着下。</translation>
    </message>
    <message>
        <source>The connection to {host} failed: {reason}</source>
        <translation>与 {host} 的连接失败：{reason}</translation>
    </message>
    <message>
        <source>The conversation database cannot be used: {detail}</source>
        <translation>无法使用对话数据库：{detail}</translation>
    </message>
    <message>
        <source>The conversation does not fit the model&apos;s context: {detail}</source>
        <translation>对话超出了模型的上下文长度：{detail}</translation>
    </message>
    <message>
        <source>The download failed: {detail}</source>
        <translation>下载失败：{detail}</translation>
    </message>
    <message>
        <source>The engine is busy: {count} requests are already waiting; try again in {seconds} s.</source>
        <translation>引擎正忙：已有 {count} 个请求在等待；请在 {seconds} 秒后重试。</translation>
    </message>
    <message>
        <source>The input device accepts none of the usual sample rates (8–48 kHz).</source>
        <translation>输入设备不支持任何常用采样率（8–48 kHz）。</translation>
    </message>
    <message>
        <source>The input device sent no audio for {seconds} s (was it disconnected?)</source>
        <translation>输入设备已有 {seconds} 秒没有传来音频（是否已断开？）</translation>
    </message>
    <message>
        <source>The input device stopped (was it disconnected?)</source>
        <translation>输入设备已停止（是否已断开？）</translation>
    </message>
    <message>
        <source>The microphone cannot be used: {detail}</source>
        <translation>无法使用麦克风：{detail}</translation>
    </message>
    <message>
        <source>The model could not be loaded: {detail}</source>
        <translation>无法加载模型：{detail}</translation>
    </message>
    <message>
        <source>The prompt is {tokens} tokens; this model&apos;s context holds {ctx}. Shorten it or raise the context length.</source>
        <translation>提示词有 {tokens} 个词元，而该模型的上下文只能容纳 {ctx} 个。请缩短提示词或增大上下文长度。</translation>
    </message>
    <message>
        <source>The server closed the connection at {done} of {total}; resume to continue from there.</source>
        <translation>服务器在 {done} / {total} 处关闭了连接；继续下载即可从断点接着下。</translation>
    </message>
    <message>
        <source>The server {host} answered {code} {reason}.</source>
        <translation>服务器 {host} 返回 {code} {reason}。</translation>
    </message>
    <message>
        <source>The server&apos;s file has changed since the catalog was written. Nothing was downloaded.</source>
        <translation>服务器上的文件在目录编写后已更改。未下载任何内容。</translation>
    </message>
    <message>
        <source>The system reported an error: {detail}</source>
        <translation>系统报告错误：{detail}</translation>
    </message>
    <message>
        <source>This file cannot be transcribed: {detail}</source>
        <translation>无法转写该文件：{detail}</translation>
    </message>
    <message>
        <source>This model file cannot be used: {detail}</source>
        <translation>无法使用该模型文件：{detail}</translation>
    </message>
    <message>
        <source>Your message is about {tokens} tokens, more than this model&apos;s {ctx}-token context can take with room for a reply. Shorten it, or raise the context length in the model&apos;s settings.</source>
        <translation>你的消息约有 {tokens} 个词元，超出了该模型 {ctx} 词元的上下文在留出回复空间后所能容纳的长度。请缩短消息，或在模型设置中增大上下文长度。</translation>
    </message>
    <message>
        <source>llama.cpp could not load {name} (architecture {arch}). The file may be damaged, the machine may not have enough memory for it, or this llama.cpp build may not support that architecture.</source>
        <translation>llama.cpp 无法加载 {name}（架构 {arch}）。文件可能已损坏，本机内存可能不足，或此 llama.cpp 版本尚不支持该架构。</translation>
    </message>
    <message>
        <source>whisper.cpp could not load {name}: {detail}</source>
        <translation>whisper.cpp 无法加载 {name}：{detail}</translation>
    </message>
    <message>
        <source>{name} contains no audio samples.</source>
        <translation>{name} 不包含任何音频采样。</translation>
    </message>
    <message>
        <source>{name} has a damaged GGUF header. Download it again.</source>
        <translation>{name} 的 GGUF 文件头已损坏。请重新下载。</translation>
    </message>
    <message>
        <source>{name} has no audio track.</source>
        <translation>{name} 没有音轨。</translation>
    </message>
    <message>
        <source>{name} is a folder, not a GGUF model file.</source>
        <translation>{name} 是文件夹，不是 GGUF 模型文件。</translation>
    </message>
    <message>
        <source>{name} is a folder; import it as a faster-whisper model folder.</source>
        <translation>{name} 是文件夹；请作为 faster-whisper 模型文件夹导入。</translation>
    </message>
    <message>
        <source>{name} is already installed in {folder}.</source>
        <translation>{name} 已安装在 {folder} 中。</translation>
    </message>
    <message>
        <source>{name} is damaged: its SHA-256 does not match the server&apos;s. The download was deleted; try again.</source>
        <translation>{name} 已损坏：其 SHA-256 与服务器提供的不一致。已删除下载的文件，请重试。</translation>
    </message>
    <message>
        <source>{name} is empty (0 bytes): the download or copy did not finish.</source>
        <translation>{name} 是空文件（0 字节）：下载或复制没有完成。</translation>
    </message>
    <message>
        <source>{name} is in the old GGML format, which llama.cpp no longer loads. Download a GGUF version of this model.</source>
        <translation>{name} 是旧的 GGML 格式，llama.cpp 已不再支持加载。请下载该模型的 GGUF 版本。</translation>
    </message>
    <message>
        <source>{name} is incomplete: part of the file is missing. Download it again.</source>
        <translation>{name} 不完整：文件缺少一部分。请重新下载。</translation>
    </message>
    <message>
        <source>{name} is neither a GGUF chat model nor a whisper.cpp speech model: it looks like {what}.</source>
        <translation>{name} 既不是 GGUF 对话模型，也不是 whisper.cpp 语音模型：它看起来是{what}。</translation>
    </message>
    <message>
        <source>{name} is not a GGUF model file: it looks like {what}.</source>
        <translation>{name} 不是 GGUF 模型文件：它看起来是{what}。</translation>
    </message>
    <message>
        <source>{name} is not a whisper.cpp ggml model.</source>
        <translation>{name} 不是 whisper.cpp 的 ggml 模型。</translation>
    </message>
    <message>
        <source>{name} is not an audio or video file FFmpeg can read.</source>
        <translation>{name} 不是 FFmpeg 能读取的音频或视频文件。</translation>
    </message>
    <message>
        <source>{path} does not exist.</source>
        <translation>{path} 不存在。</translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <source>Restart now? Your conversations are saved.</source>
        <translation>现在重启吗？你的对话已保存。</translation>
    </message>
    <message>
        <source>System ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <source>The new language applies when Hearth starts again.</source>
        <translation>新的语言将在 Hearth 重新启动后生效。</translation>
    </message>
</context>
<context>
    <name>markdown_render</name>
    <message>
        <source>[image: {alt}]</source>
        <translation>[图片：{alt}]</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图片</translation>
    </message>
</context>
</TS>
