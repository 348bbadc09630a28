<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>LanguageChooser</name>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Export conversation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Benchmark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not export to {path}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dictation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported the conversation to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hearth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON with timings (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No chat model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a conversation to export it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation database was damaged: a copy was kept at {path} and a fresh one opened.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelManager</name>
    <message>
        <source>Already installed: find it in the Installed list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approximate download size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat model or speech recogniser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat: whether the file has its own chat template. Speech: the languages it understands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context window the model was trained for (speech: the audio window)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the file (not while in use)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download {0} (~{1}); nothing is downloaded until you click</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Languages it understands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers run on the GPU; the rest on the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load the selected model in the chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory it needs at the chosen context; hover for the breakdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model architecture, from the file&apos;s header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of parameters (weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the folder that holds the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantization, and bits per weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a chat model in the list first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a model in the list first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a model in the list to change its settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a speech model in the list first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s name; hover a row for its file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s name; hover for its download link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This llama.cpp build has no GPU backend: every layer runs on the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the selected model for dictation and transcription</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where it came from: bundled, downloaded, imported or linked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whether it fits this machine&apos;s memory at its context length; hover for the numbers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whether it fits this machine&apos;s memory; hover for the numbers</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Get more models…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use: {0}
Click to switch to another model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model loading progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No other models installed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unavailable: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PaneResponder</name>
    <message>
        <source>the conversation changed while you spoke; say it again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the message was dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the message was not sent: a reply is still being written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the message was not sent: load a chat model first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the message was not sent; say it again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message numerus="yes">
        <source>%n CPU core(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Ask, draft and explain code; replies stream with their speed shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat with a language model, dictate, and transcribe recordings — all on this computer. Nothing you type or say leaves it, and Hearth needs no network to work.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dictation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded and checked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading; the Models tab&apos;s Downloads list can pause it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading… {0}%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Explain what a hash map is, in three sentences.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide this suggestion; the Models tab lists every model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load it for chat (the current model is unloaded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No chat model loaded: choose one above, or in the Models tab.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the Dictation tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send this to the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speak and watch the words appear; send them here in one click.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suggest five names for a cosy bookshop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The download stopped: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer can run a stronger model: {0}. It is the largest that fits the free memory (it needs about {1}) and still answers at reading speed on {2}. The download is about {3}; nothing is downloaded unless you click.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transcription</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try one of these:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Turn audio and video files into SRT, VTT or plain-text transcripts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type below, or pick one of the prompts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use it now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome to Hearth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is the difference between TCP and UDP?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a Python function that checks whether a word is a palindrome.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are chatting with {0} ({1}), running {2} of this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on the GPU ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} of free GPU memory</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Hearth is already running on {folder}, but it does not answer. Close it (or end it) and start Hearth again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>error_text</name>
    <message>
        <source>Audio input is unavailable: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot list the audio devices: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the input device: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot reach {host}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read {path}: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No microphone found: connect one or pick an input device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough disk space for {name}: it needs {need} more (plus {spare} to spare), but {folder} has only {free} free.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only http and https links can be downloaded, not {url}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection broke at {done} of {total}; resume to continue from there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to {host} failed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation database cannot be used: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation does not fit the model&apos;s context: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The download failed: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The input device accepts none of the usual sample rates (8–48 kHz).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The input device sent no audio for {seconds} s (was it disconnected?)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The input device stopped (was it disconnected?)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The microphone cannot be used: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model could not be loaded: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The prompt is {tokens} tokens; this model&apos;s context holds {ctx}. Shorten it or raise the context length.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server closed the connection at {done} of {total}; resume to continue from there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server {host} answered {code} {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s file has changed since the catalog was written. Nothing was downloaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system reported an error: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This file cannot be transcribed: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This model file cannot be used: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your message is about {tokens} tokens, more than this model&apos;s {ctx}-token context can take with room for a reply. Shorten it, or raise the context length in the model&apos;s settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>llama.cpp could not load {name} (architecture {arch}). The file may be damaged, the machine may not have enough memory for it, or this llama.cpp build may not support that architecture.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>whisper.cpp could not load {name}: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} contains no audio samples.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} has a damaged GGUF header. Download it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} has no audio track.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is a folder, not a GGUF model file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is a folder; import it as a faster-whisper model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is already installed in {folder}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is damaged: its SHA-256 does not match the server&apos;s. The download was deleted; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is empty (0 bytes): the download or copy did not finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is in the old GGML format, which llama.cpp no longer loads. Download a GGUF version of this model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is incomplete: part of the file is missing. Download it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is neither a GGUF chat model nor a whisper.cpp speech model: it looks like {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is not a GGUF model file: it looks like {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is not a whisper.cpp ggml model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is not an audio or video file FFmpeg can read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart now? Your conversations are saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System ({language})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new language applies when Hearth starts again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
