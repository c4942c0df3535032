"""The kiosk's voice: turn taking, sentence-by-sentence speech, barge-in and the headless file loop.

``loop.VoiceLoop``      live hands-free or push-to-talk conversation on a microphone and speaker
``speech.SpeechQueue``  answer sentences → synthesised clauses, on a worker thread, cancellable
``headless``            one recorded question → transcript, answer and spoken answer (``kiosk talk``)
``answer``              the shape of an answer source (the kiosk hands in its dialogue)
``vocabulary``          the terms recognition is biased towards
"""
